from .adversarial import AdversarialTerm
from .base import UDATerm
from .entropy import EntropyTerm
from .entropy_adversarial import EntropyAdversarialTerm
from .feature_distance import FeatureDistanceTerm
from .masked_consistency import MaskedConsistencyTerm
from .pfr import PFRTerm
from .self_training import SelfTrainingTerm

__all__ = [
    'AdversarialTerm',
    'EntropyAdversarialTerm',
    'EntropyTerm',
    'FeatureDistanceTerm',
    'MaskedConsistencyTerm',
    'PFRTerm',
    'SelfTrainingTerm',
    'UDATerm',
]
