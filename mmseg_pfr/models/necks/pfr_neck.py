"""The tap through which PFR sees the backbone's stages.

PFR (Progressive Feature Refinement) aligns source and target features at
several backbone stages: the content features ``C^i`` are the stage outputs
and the style features ``S^i`` their Gram matrices (ResNet conv2_x..conv5_x in
the paper). This neck passes the stages to the decode head unchanged, so the
segmentor is exactly the one without it, and says which of them PFR aligns.
Any backbone that returns a list of stages works (ResNet, ResNeXt, MiT,
Swin, ...).
"""

from typing import List, Sequence, Tuple

from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class PFRNeck(BaseModule):
    """Identity neck that selects the stages PFR aligns.

    Args:
        in_index: Indices into the backbone's stage list of the features
            ``C^i`` PFR aligns; (0, 1, 2, 3) are ResNet's conv2_x..conv5_x.
    """

    def __init__(self, in_index: Sequence[int] = (0, 1, 2, 3)) -> None:
        super().__init__()
        if len(in_index) == 0:
            raise ValueError('PFRNeck needs at least one stage in in_index')
        self.in_index = tuple(in_index)

    def forward(self, inputs: Sequence[Tensor]) -> Tuple[Tensor, ...]:
        """The backbone's stages, unchanged, for the decode heads."""
        return tuple(inputs)

    def select(self, inputs: Sequence[Tensor]) -> List[Tensor]:
        """The stage features ``C^i`` that PFR aligns."""
        bad = [i for i in self.in_index if not -len(inputs) <= i < len(inputs)]
        if bad:
            raise IndexError(
                f'PFRNeck in_index {self.in_index} names stages {bad}, but '
                f'the backbone returns {len(inputs)} stages'
            )
        return [inputs[i] for i in self.in_index]
