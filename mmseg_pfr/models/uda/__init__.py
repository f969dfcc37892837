from .teacher import MeanTeacher
from .terms import AdversarialTerm, PFRTerm, SelfTrainingTerm, UDATerm
from .uda_segmentor import UDASegmentor

__all__ = [
    'AdversarialTerm',
    'MeanTeacher',
    'PFRTerm',
    'SelfTrainingTerm',
    'UDASegmentor',
    'UDATerm',
]
