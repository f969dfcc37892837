"""Load a label file in its dataset's own encoding as train ids."""

import warnings
from typing import Optional

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ..label_io import LabelFileError, read_label
from ..label_maps import get_encoding


class LabelSizeWarning(UserWarning):
    """A label whose size differs from its image's was resized to it."""


class LabelFileWarning(UserWarning):
    """An unusable label file was skipped."""


@TRANSFORMS.register_module()
class LoadTrainIdAnnotations(BaseTransform):
    """Load a label map and map its values to train ids with one lookup.

    The drop-in replacement of mmseg's ``LoadAnnotations`` for datasets whose
    files keep their original encoding (``GTADataset``, ``SynthiaDataset``):
    each sample's ``label_encoding`` names it (Cityscapes ids, SYNTHIA's
    16-bit ids, or converter-written train ids). Values outside the encoding
    become the ignore index. A dataset ``label_map`` (custom ``classes``) is
    folded into the same lookup table.

    A label whose size differs from its image's (a known GTA5 defect) is
    resized to the image with nearest-neighbour interpolation rather than
    failing the run: the first one in each process is warned about with a
    :class:`LabelSizeWarning`, and all are counted in :attr:`num_resized`.
    An unusable label file (unreadable, a colour rendering) does not fail
    the run either: it is warned about (:class:`LabelFileWarning`, naming
    the file and why), counted in :attr:`num_skipped`, and the sample
    skipped by returning None, for which mmengine's datasets draw another
    one. (Datasets check one label when built, so a whole folder of wrong
    files fails at once instead.)
    The image must be loaded first (``LoadImageFromFile`` sets
    ``ori_shape``); like ``LoadAnnotations`` this may come after ``Resize``
    to keep the label at full size for evaluation.

    Required keys: ``seg_map_path``, ``label_encoding``, ``ori_shape``,
    ``seg_fields``; optional ``label_map``. Added keys: ``gt_seg_map``
    (uint8, ``ori_shape``).

    Args:
        backend_args: mmengine file backend arguments.
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args
        self.num_resized = 0
        self.num_skipped = 0

    def transform(self, results: dict) -> Optional[dict]:
        """Add ``gt_seg_map`` to ``results``; None skips the sample."""
        if 'ori_shape' not in results:
            raise KeyError(
                'LoadTrainIdAnnotations resizes labels to their image: put '
                'LoadImageFromFile before it in the pipeline'
            )
        encoding = get_encoding(results['label_encoding'])
        lut = encoding.lut
        label_map = results.get('label_map')
        if label_map:
            remap = np.arange(256, dtype=np.uint8)
            for old, new in label_map.items():
                remap[old] = new
            lut = remap[lut]
        path = results['seg_map_path']
        try:
            label = lut[read_label(path, encoding, self.backend_args)]
        except LabelFileError as exc:
            self.num_skipped += 1
            warnings.warn(
                f'{exc}; sample skipped. The converter in '
                'tools/dataset_converters lists such files in excluded.txt '
                'so that they are never loaded.',
                LabelFileWarning,
            )
            return None
        height, width = results['ori_shape'][:2]
        if label.shape != (height, width):
            label = self._resize(label, width, height, path)
        results['gt_seg_map'] = label
        results['seg_fields'].append('gt_seg_map')
        return results

    def _resize(
        self, label: np.ndarray, width: int, height: int, path: str
    ) -> np.ndarray:
        if self.num_resized == 0:
            warnings.warn(
                f'{path}: label is {label.shape[1]}x{label.shape[0]} but '
                f'its image is {width}x{height}; resized the label to the '
                'image (nearest). Later mismatches are resized silently and '
                'counted in LoadTrainIdAnnotations.num_resized; the '
                "dataset's converter in tools/dataset_converters lists them "
                'all.',
                LabelSizeWarning,
            )
        self.num_resized += 1
        return cv2.resize(
            label, (width, height), interpolation=cv2.INTER_NEAREST
        )

    def __repr__(self) -> str:
        return f'{type(self).__name__}(backend_args={self.backend_args})'
