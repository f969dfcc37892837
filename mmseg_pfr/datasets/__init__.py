"""Datasets: GTA5, SYNTHIA, Cityscapes helpers and the paired UDA dataset."""

from .gta import GTADataset
from .label_maps import (
    CITYSCAPES_ID_TO_TRAIN_ID,
    SYNTHIA_ID_TO_TRAIN_ID,
    LabelEncoding,
    get_encoding,
)
from .layout import DatasetLayoutError
from .raw_label_dataset import RawLabelDataset
from .synthia import SYNTHIA_13_CLASSES, SYNTHIA_16_CLASSES, SynthiaDataset
from .transforms import (
    LabelFileWarning,
    LabelSizeWarning,
    LoadTrainIdAnnotations,
)
from .uda_dataset import UDADataset
from .uda_sampler import StreamIndex, UDAInfiniteSampler

__all__ = [
    'CITYSCAPES_ID_TO_TRAIN_ID',
    'SYNTHIA_13_CLASSES',
    'SYNTHIA_16_CLASSES',
    'SYNTHIA_ID_TO_TRAIN_ID',
    'DatasetLayoutError',
    'GTADataset',
    'LabelEncoding',
    'LabelFileWarning',
    'LabelSizeWarning',
    'LoadTrainIdAnnotations',
    'RawLabelDataset',
    'StreamIndex',
    'SynthiaDataset',
    'UDADataset',
    'UDAInfiniteSampler',
    'get_encoding',
]
