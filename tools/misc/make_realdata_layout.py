"""Lay out the real sample frames of ``shared/realdata`` as a GTA5 ->
Cityscapes UDA pair, for measurements on the paper's network at the
paper's crops (``tools/analysis/loss_balance.py``).

    python tools/misc/make_realdata_layout.py ../shared/realdata OUT_DIR

writes ``OUT_DIR/gta/{images,labels}`` (the GTA5 frames, linked) and links
``OUT_DIR/cityscapes`` to the Cityscapes samples. ``shared/realdata`` holds
no GTA5 label, so each GTA5 frame gets a *stand-in* label: a Cityscapes
train label (ids), resized to the frame (nearest). It is not the frame's
content: use the layout for what does not depend on the labels being right
(feature statistics, the adaptation terms, L_seg's gradient at
initialisation, which depends on the labels only through which classes
they hold), never for accuracy.
"""

import argparse
import os
import os.path as osp
import sys
from glob import glob

import cv2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('realdata', help='the shared/realdata folder')
    parser.add_argument('out_dir')
    args = parser.parse_args()
    frames = sorted(glob(osp.join(args.realdata, 'gta5', 'images*', '*.png')))
    labels = sorted(
        glob(
            osp.join(
                args.realdata, 'cityscapes', 'gtFine', 'train', '*',
                '*_gtFine_labelIds.png',
            )
        )
    )  # fmt: skip
    if not frames or not labels:
        sys.exit(f'error: no GTA5 frames or Cityscapes labels under '
                 f'{args.realdata}')  # fmt: skip
    gta = osp.join(args.out_dir, 'gta')
    os.makedirs(osp.join(gta, 'images'), exist_ok=True)
    os.makedirs(osp.join(gta, 'labels'), exist_ok=True)
    for i, frame in enumerate(frames):
        name = f'{i + 1:05d}.png'
        image = osp.join(gta, 'images', name)
        if not osp.lexists(image):
            os.symlink(osp.abspath(frame), image)
        h, w = cv2.imread(frame).shape[:2]
        ids = cv2.imread(labels[i % len(labels)], cv2.IMREAD_UNCHANGED)
        resized = cv2.resize(ids, (w, h), interpolation=cv2.INTER_NEAREST)
        cv2.imwrite(osp.join(gta, 'labels', name), resized)
    cityscapes = osp.join(args.out_dir, 'cityscapes')
    if not osp.lexists(cityscapes):
        os.symlink(
            osp.abspath(osp.join(args.realdata, 'cityscapes')), cityscapes
        )
    print(
        f'wrote {len(frames)} GTA5 frames with stand-in labels to {gta}; '
        f'Cityscapes samples linked at {cityscapes}'
    )


if __name__ == '__main__':
    main()
