"""Convert the COCO-pretrained DeepLab-v2 that AdaptSegNet and CLAN start
from into the weights of ``configs/_base_/models/deeplabv2_r101-caffe.py``.

    python tools/model_converters/deeplab_coco2mmseg.py \\
        DeepLab_resnet_pretrained_init-f81d91e8.pth \\
        pretrain/deeplabv2_r101-caffe_coco.pth [--keep-classifier]

SRC is read with tensors allowed only; any other file is refused with the
keys that differ. DST is an mmengine checkpoint (``state_dict`` with the
segmentor's keys, ``meta`` naming the source). Where to get SRC:
docs/pretrained_weights.md.
"""

import argparse
import hashlib
import os
import os.path as osp
import sys

import torch

# Before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them).
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401  # isort: split
from mmseg_pfr.models.backbones.deeplab_coco_weights import (
    BACKBONE,
    HEAD,
    Conversion,
    NotDeepLabCocoError,
    convert,
    load_released,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert DeepLab_resnet_pretrained_init-f81d91e8.pth '
        '(COCO DeepLab-v2, caffe ResNet-101) for deeplabv2_r101-caffe.py'
    )
    parser.add_argument('src', help='the released COCO DeepLab-v2 file')
    parser.add_argument('dst', help='where to write the converted weights')
    parser.add_argument(
        '--keep-classifier',
        action='store_true',
        help='keep the 21-class COCO classifier as decode_head.aspp.* '
        '(needs a DLV2Head with num_classes=21)',
    )
    return parser.parse_args()


def sha256(path: str) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for chunk in iter(lambda: file.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def report(conversion: Conversion, src: str, digest: str, dst: str) -> str:
    """What was mapped, dropped and added, for the user to read."""
    targets = list(conversion.mapped.values())
    backbone = sum(target.startswith(BACKBONE) for target in targets)
    head = sum(target.startswith(HEAD) for target in targets)
    lines = [
        f'Read {src} (sha256 {digest}).',
        f'Mapped {backbone} tensors Scale.* -> {BACKBONE}*.',
    ]
    if head:
        lines.append(
            f'Mapped {head} tensors Scale.layer5.conv2d_list.* -> {HEAD}* '
            '(the 21-class COCO classifier).'
        )
    if conversion.dropped:
        lines.append(
            f'Dropped {len(conversion.dropped)} tensors, the 21-class COCO '
            'classifier (--keep-classifier keeps it):'
        )
        lines += [f'  {key}' for key in conversion.dropped]
    if conversion.added:
        lines.append(
            f'Added {len(conversion.added)} BN num_batches_tracked counters '
            '(0): the file predates them.'
        )
    lines.append(
        f'Wrote {dst} for configs/_base_/models/deeplabv2_r101-caffe.py.'
    )
    return '\n'.join(lines)


def main() -> None:
    args = parse_args()
    try:
        conversion = convert(
            load_released(args.src), args.keep_classifier, source=args.src
        )
    except NotDeepLabCocoError as error:
        sys.exit(f'error: {error}')
    digest = sha256(args.src)
    os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
    meta = dict(
        source=osp.basename(args.src),
        source_sha256=digest,
        keep_classifier=args.keep_classifier,
    )
    torch.save(dict(state_dict=conversion.state_dict, meta=meta), args.dst)
    print(report(conversion, args.src, digest, args.dst))


if __name__ == '__main__':
    main()
