"""Direct entropy minimisation, MinEnt (ADVENT, Vu et al., CVPR 2019:
``prob_2_entropy`` in ``advent/utils/func.py``, ``entropy_loss`` in
``advent/utils/loss.py``, ``train_minent`` in
``advent/domain_adaptation/train_UDA.py``): ``lambda_ent * L_ent``.

A segmentor trained on the source is confident (low entropy) on source-like
images and unsure (high entropy) on target ones; MinEnt makes it confident
on the target. For the target prediction ``P_x = softmax(up(F(x_t)))`` at
the input size, with C classes::

    I_x^(h,w,c) = -P_x^(h,w,c) log2 P_x^(h,w,c) / log2 C   (self-information)
    E_x^(h,w)   = sum_c I_x^(h,w,c)                        (entropy, in [0, 1])
    L_ent       = mean over (n, h, w) of E_x^(h,w)

ADVENT's settings (``advent/domain_adaptation/config.py``): ``lambda_ent``
0.001 on the decode head (``LAMBDA_ENT_MAIN``) and 2e-4 on the auxiliary
one (``LAMBDA_ENT_AUX``, multi-level, its default): two terms, the second
with ``head='auxiliary'``.
"""

import math
from typing import Dict

import torch
import torch.nn as nn
from mmseg.registry import MODELS
from torch import Tensor

from ..step import UDAStep
from ..taps import DomainOutputs
from .base import UDATerm
from .heads import check_head, read_head

# ADVENT's log2(P + 1e-30): 0 where P is 0, with a finite gradient.
EPS = 1e-30


def self_information(probs: Tensor) -> Tensor:
    """ADVENT's weighted self-information map ``I_x = -P log2(P) / log2 C``
    (``prob_2_entropy``), (N, C, H, W), of (N, C, H, W) class
    probabilities ``P``; in float32."""
    probs = probs.float()
    return -probs * torch.log2(probs + EPS) / math.log2(probs.shape[1])


def mean_entropy(probs: Tensor) -> Tensor:
    """``L_ent``: the entropy ``E_x = sum_c I_x`` of every pixel of (N, C,
    H, W) class probabilities, normalised to [0, 1] by ``log2 C`` and
    averaged over (N, H, W) (ADVENT's ``entropy_loss``)."""
    return self_information(probs).sum(dim=1).mean()


@MODELS.register_module()
class EntropyTerm(UDATerm):
    """``lambda_ent * L_ent``: the mean normalised entropy of the
    segmentor's softmax on target images, at the input size.

    Args:
        weight: ``lambda_ent``; default 0.001, ADVENT's on the decode head
            (``LAMBDA_ENT_MAIN``); 2e-4 on the auxiliary one
            (``LAMBDA_ENT_AUX``).
        head: Whose output it reads: ``'decode'`` (default: the
            segmentor's output) or ``'auxiliary'`` (the first auxiliary
            head's: multi-level).
        init_cfg: Unused: the term has no network of its own.
    """

    def __init__(
        self, weight: float = 0.001, head: str = 'decode', init_cfg=None
    ) -> None:
        super().__init__(weight, init_cfg=init_cfg)
        self.head = check_head(head)

    def setup(self, segmentor: nn.Module) -> None:
        """Check that the segmentor has the head the term reads."""
        read_head(segmentor, self.head, type(self).__name__)

    def describe(self, outputs: DomainOutputs) -> str:
        """Whose output it reads."""
        return (
            f"the entropy of the {self.head} head's softmax on target "
            'images at the input size (log2, / log2 C), averaged over pixels'
        )

    def loss(self, step: UDAStep) -> Dict[str, Tensor]:
        """``lambda_ent * L_ent`` on the target batch."""
        probs = step.probabilities('target', self.head)
        return {'loss_ent': self.weight * mean_entropy(probs)}
