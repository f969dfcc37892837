from .adversarial import AdversarialTerm
from .base import UDATerm
from .pfr import PFRTerm
from .self_training import SelfTrainingTerm

__all__ = ['AdversarialTerm', 'PFRTerm', 'SelfTrainingTerm', 'UDATerm']
