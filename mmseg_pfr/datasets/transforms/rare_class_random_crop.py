"""A random crop that keeps the class rare-class sampling drew in view."""

from typing import Tuple, Union

import numpy as np
from mmseg.datasets.transforms import RandomCrop
from mmseg.registry import TRANSFORMS

# Keys UDADataset adds to a source sample drawn by rare-class sampling.
RARE_CLASS_KEY = 'rare_class'
MIN_CROP_PIXELS_KEY = 'rare_class_min_crop_pixels'


@TRANSFORMS.register_module()
class RareClassRandomCrop(RandomCrop):
    """mmseg's ``RandomCrop``, re-drawn until the sample's rare class covers
    enough of the crop (DAFormer's ``min_crop_ratio``).

    DAFormer (lhoyer/DAFormer ``UDADataset.get_rare_class_sample``) loads
    the drawn image through the whole pipeline again, up to 10 more times,
    until the crop holds more than ``min_pixels * min_crop_ratio`` pixels
    of the drawn class ``c``, and keeps the last crop if none does. In
    mmseg 1.x the crop is this transform, so it re-draws only the crop
    window on the already loaded, resized label: the same crops (each a
    full ``RandomCrop`` draw, its ``cat_max_ratio`` re-draws included)
    without decoding the image again. A random resize before the crop is
    drawn once instead of once per try.

    ``UDADataset`` gives the sample ``rare_class`` (``c``) and
    ``rare_class_min_crop_pixels``; without them (no rare-class sampling,
    target images, validation) this is exactly ``RandomCrop``, draws
    included. Under mmcv's ``cache_random_params`` the crop is drawn once.

    Required keys: ``img``, ``gt_seg_map``; optional ``rare_class``,
    ``rare_class_min_crop_pixels``. Modified keys: ``img``, ``img_shape``,
    ``gt_seg_map``.

    Args:
        crop_size: ``(h, w)`` or one int, as ``RandomCrop``.
        cat_max_ratio: ``RandomCrop``'s: the largest share one class may
            take of a crop (up to 10 re-draws per crop drawn here).
        ignore_index: ``RandomCrop``'s ignore index.
        max_redraws: Crops drawn after the first at most (DAFormer: 10).
    """

    def __init__(
        self,
        crop_size: Union[int, Tuple[int, int]],
        cat_max_ratio: float = 1.0,
        ignore_index: int = 255,
        max_redraws: int = 10,
    ) -> None:
        super().__init__(crop_size, cat_max_ratio, ignore_index)
        self.max_redraws = max_redraws

    def crop_bbox(self, results: dict) -> tuple:
        """``RandomCrop``'s crop box, drawn again while it holds no more
        than ``rare_class_min_crop_pixels`` pixels of ``rare_class``."""
        bbox = super().crop_bbox(results)
        cls = results.get(RARE_CLASS_KEY)
        needed = results.get(MIN_CROP_PIXELS_KEY, 0)
        if cls is None or needed <= 0:
            return bbox
        for _ in range(self.max_redraws):
            if self.class_pixels(results['gt_seg_map'], bbox, cls) > needed:
                break
            bbox = super().crop_bbox(results)
        return bbox

    def class_pixels(self, seg: np.ndarray, bbox: tuple, cls: int) -> int:
        """Pixels of class ``cls`` in the crop ``bbox`` of ``seg``."""
        return int(np.count_nonzero(self.crop(seg, bbox) == cls))

    def __repr__(self) -> str:
        return (
            f'{type(self).__name__}(crop_size={self.crop_size}, '
            f'cat_max_ratio={self.cat_max_ratio}, '
            f'max_redraws={self.max_redraws})'
        )
