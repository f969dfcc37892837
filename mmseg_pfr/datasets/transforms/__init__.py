"""Data transforms: labels kept in their own encoding, and the crop of
rare-class sampling."""

from .load_train_id_annotations import (
    LabelFileWarning,
    LabelSizeWarning,
    LoadTrainIdAnnotations,
)
from .rare_class_random_crop import RareClassRandomCrop

__all__ = [
    'LabelFileWarning',
    'LabelSizeWarning',
    'LoadTrainIdAnnotations',
    'RareClassRandomCrop',
]
