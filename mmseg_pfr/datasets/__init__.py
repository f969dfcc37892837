"""Datasets: GTA5, SYNTHIA, Cityscapes helpers, the adverse-condition
targets ACDC and Dark Zurich, the paired UDA dataset and its rare-class
sampling."""

from .acdc import ACDCDataset
from .class_stats import ClassStatsError
from .condition_dataset import ConditionDataset
from .dark_zurich import DarkZurichConditionDataset
from .gta import GTADataset
from .label_maps import (
    CITYSCAPES_ID_TO_TRAIN_ID,
    SYNTHIA_ID_TO_TRAIN_ID,
    LabelEncoding,
    get_encoding,
)
from .layout import DatasetLayoutError
from .rare_class_sampling import RareClassSampler
from .raw_label_dataset import RawLabelDataset
from .synthia import SYNTHIA_13_CLASSES, SYNTHIA_16_CLASSES, SynthiaDataset
from .transforms import (
    LabelFileWarning,
    LabelSizeWarning,
    LoadTrainIdAnnotations,
    RareClassRandomCrop,
)
from .uda_dataset import UDADataset
from .uda_sampler import StreamIndex, UDAInfiniteSampler

__all__ = [
    'ACDCDataset',
    'CITYSCAPES_ID_TO_TRAIN_ID',
    'SYNTHIA_13_CLASSES',
    'SYNTHIA_16_CLASSES',
    'SYNTHIA_ID_TO_TRAIN_ID',
    'ClassStatsError',
    'ConditionDataset',
    'DarkZurichConditionDataset',
    'DatasetLayoutError',
    'GTADataset',
    'LabelEncoding',
    'LabelFileWarning',
    'LabelSizeWarning',
    'LoadTrainIdAnnotations',
    'RareClassRandomCrop',
    'RareClassSampler',
    'RawLabelDataset',
    'StreamIndex',
    'SynthiaDataset',
    'UDADataset',
    'UDAInfiniteSampler',
    'get_encoding',
]
