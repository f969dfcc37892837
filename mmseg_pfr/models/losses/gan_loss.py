"""The output-space adversarial loss ``L_adv`` and the discriminator's
accuracy, for D's per-patch logits against a domain label.

AdaptSegNet's recipe: source label 0, target label 1; ``'BCE'`` is the
vanilla GAN loss on logits, ``'LS'`` the least-squares (LSGAN) one on D's raw
output.
"""

import torch
import torch.nn.functional as F
from torch import Tensor

SOURCE_LABEL = 0.0
TARGET_LABEL = 1.0
GAN_LOSS_TYPES = ('BCE', 'LS')


def check_gan_loss_type(kind: str) -> str:
    """``kind`` itself, or a ValueError naming the choices."""
    if kind not in GAN_LOSS_TYPES:
        raise ValueError(
            f'gan_loss must be one of {GAN_LOSS_TYPES}, got {kind!r}'
        )
    return kind


def gan_loss(logits: Tensor, label: float, kind: str = 'BCE') -> Tensor:
    """Mean loss of D's logits against ``label`` (0 source, 1 target)."""
    target = torch.full_like(logits, label)
    if kind == 'LS':
        return F.mse_loss(logits, target)
    return F.binary_cross_entropy_with_logits(logits, target)


@torch.no_grad()
def domain_accuracy(logits: Tensor, label: float, kind: str = 'BCE') -> Tensor:
    """Percentage of patches D assigns to ``label``'s domain.

    D's decision boundary is logit 0 (probability 0.5) for BCE and output 0.5
    (half-way between the labels) for LS.
    """
    says_target = logits > (0.5 if kind == 'LS' else 0.0)
    correct = says_target if label == TARGET_LABEL else ~says_target
    return correct.float().mean() * 100
