from .teacher import MeanTeacher
from .terms import (
    AdversarialTerm,
    FeatureDistanceTerm,
    MaskedConsistencyTerm,
    PFRTerm,
    SelfTrainingTerm,
    UDATerm,
)
from .uda_segmentor import UDASegmentor

__all__ = [
    'AdversarialTerm',
    'FeatureDistanceTerm',
    'MaskedConsistencyTerm',
    'MeanTeacher',
    'PFRTerm',
    'SelfTrainingTerm',
    'UDASegmentor',
    'UDATerm',
]
