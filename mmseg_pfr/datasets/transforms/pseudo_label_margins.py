"""HRDA's pseudo-label margins: the borders of a target image whose
pseudo-labels get no weight, masked before the image is cropped.

Cityscapes' frames carry rectification artefacts at their top and the ego
car at their bottom, where a teacher's pseudo-labels drift (sky towards
building). DAFormer gives the top and bottom rows of each training *crop*
weight 0 (the mean teacher's ``pseudo_weight_ignore_top/bottom``), which
also blanks the middle of the image whenever a crop's edge falls there.
HRDA (lhoyer/HRDA, ``mmseg/datasets/cityscapes.py``, ``crop_pseudo_margins``
[30, 240, 30, 30] at 2048x1024) masks the margins of the whole *image*
before it is cropped, so only crops at the image's border lose rows.

:class:`PseudoLabelMargins` writes that mask (1 valid, 0 in a margin) as a
segmentation field of the target pipeline, where mmseg's ``RandomCrop``
crops it with the image; ``PackSegInputs`` packs it into the data sample's
metainfo (``meta_keys`` with ``'pseudo_valid'``), and the UDA model
multiplies the pseudo-label weights by it (flipped where the image was).
"""

from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

KEY = 'pseudo_valid'


@TRANSFORMS.register_module()
class PseudoLabelMargins(BaseTransform):
    """Mark the margins of a target image whose pseudo-labels get weight 0.

    Place it after the ``Resize`` and before the crop of a target
    pipeline, and add ``'pseudo_valid'`` to ``PackSegInputs``'
    ``meta_keys``.

    Args:
        margins: ``(top, bottom, left, right)`` in pixels of the image as
            loaded, before any resize (HRDA [30, 240, 30, 30] for
            Cityscapes at 2048x1024); scaled with the image when a
            ``Resize`` ran before this transform.
    """

    def __init__(self, margins: Sequence[int] = (30, 240, 30, 30)) -> None:
        if len(margins) != 4 or min(margins) < 0:
            raise ValueError(
                'PseudoLabelMargins: margins are (top, bottom, left, '
                f'right), each >= 0; got {tuple(margins)}'
            )
        self.margins = tuple(margins)

    def transform(self, results: dict) -> dict:
        h, w = results['img'].shape[:2]
        sx, sy = results.get('scale_factor', (1.0, 1.0))
        top, bottom = (round(m * sy) for m in self.margins[:2])
        left, right = (round(m * sx) for m in self.margins[2:])
        valid = np.zeros((h, w), dtype=np.uint8)
        valid[top : h - bottom, left : w - right] = 1
        results[KEY] = valid
        results.setdefault('seg_fields', []).append(KEY)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(margins={self.margins})'
