"""Data transforms for datasets whose labels keep their own encoding."""

from .load_train_id_annotations import (
    LabelFileWarning,
    LabelSizeWarning,
    LoadTrainIdAnnotations,
)

__all__ = ['LabelFileWarning', 'LabelSizeWarning', 'LoadTrainIdAnnotations']
