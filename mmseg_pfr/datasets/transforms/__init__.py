"""Data transforms: labels kept in their own encoding, the crop of
rare-class sampling, and HRDA's pseudo-label margins."""

from .load_train_id_annotations import (
    LabelFileWarning,
    LabelSizeWarning,
    LoadTrainIdAnnotations,
)
from .pseudo_label_margins import PseudoLabelMargins
from .rare_class_random_crop import RareClassRandomCrop

__all__ = [
    'LabelFileWarning',
    'LabelSizeWarning',
    'LoadTrainIdAnnotations',
    'PseudoLabelMargins',
    'RareClassRandomCrop',
]
