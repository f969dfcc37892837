from .teacher import MeanTeacher
from .terms import (
    AdversarialTerm,
    EntropyAdversarialTerm,
    EntropyTerm,
    FeatureDistanceTerm,
    MaskedConsistencyTerm,
    PFRTerm,
    SelfTrainingTerm,
    UDATerm,
)
from .uda_segmentor import UDASegmentor

__all__ = [
    'AdversarialTerm',
    'EntropyAdversarialTerm',
    'EntropyTerm',
    'FeatureDistanceTerm',
    'MaskedConsistencyTerm',
    'MeanTeacher',
    'PFRTerm',
    'SelfTrainingTerm',
    'UDASegmentor',
    'UDATerm',
]
