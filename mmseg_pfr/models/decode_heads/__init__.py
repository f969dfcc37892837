from .daformer_head import DAFormerHead
from .dlv2_head import DLV2Head

__all__ = ['DAFormerHead', 'DLV2Head']
