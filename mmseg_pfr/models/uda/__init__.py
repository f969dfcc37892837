from .teacher import MeanTeacher
from .terms import (
    AdversarialTerm,
    FeatureDistanceTerm,
    PFRTerm,
    SelfTrainingTerm,
    UDATerm,
)
from .uda_segmentor import UDASegmentor

__all__ = [
    'AdversarialTerm',
    'FeatureDistanceTerm',
    'MeanTeacher',
    'PFRTerm',
    'SelfTrainingTerm',
    'UDASegmentor',
    'UDATerm',
]
