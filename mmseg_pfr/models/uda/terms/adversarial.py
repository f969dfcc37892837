"""Output-space adversarial learning (AdaptSegNet, Tsai et al., CVPR 2018),
the PFR paper's ``lambda_adv * L_adv``.

A domain classifier D reads the segmentation softmax ``Q = softmax(up(P))``
at the input crop size. The segmentor learns to make D call target
predictions source; D, in its own update on detached predictions, learns to
tell the domains apart (source label 0, target label 1)::

    L_adv  = GAN(D(Q_t), source)                      (D frozen)
    L_D    = GAN(D(Q_s), source) / 2 + GAN(D(Q_t), target) / 2

With ``head='auxiliary'`` the term reads the first auxiliary head's output
instead of the decode head's: AdaptSegNet's multi-level variant puts a
second classifier on conv4_x (mmseg's ``auxiliary_head`` on stage index 2)
and a second D on its output, with ``lambda_adv`` 2e-4 beside the main
level's 1e-3.
"""

from typing import Dict

import torch
import torch.nn as nn
from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from ...losses.gan_loss import (
    SOURCE_LABEL,
    TARGET_LABEL,
    check_gan_loss_type,
    domain_accuracy,
    gan_loss,
)
from ..step import UDAStep
from ..taps import DomainOutputs
from .base import UDATerm
from .heads import check_head, read_head


def frozen_call(module: nn.Module, inputs: Tensor) -> Tensor:
    """``module(inputs)`` with its parameters as constants: gradients reach
    ``inputs`` but none of the parameters. No ``requires_grad`` flag is
    touched, so a compiled step does not recompile."""
    params = {k: p.detach() for k, p in module.named_parameters()}
    return torch.func.functional_call(module, params, (inputs,))


@MODELS.register_module()
class AdversarialTerm(UDATerm):
    """``lambda_adv * L_adv`` and the update of its discriminator D.

    Args:
        weight: ``lambda_adv``; the paper uses 0.002 (AdaptSegNet's
            single-level setting 0.001; multi-level 0.001 on the decode
            head and 2e-4 on the auxiliary one).
        discriminator: Config of D, e.g. ``FCDiscriminator``. Its
            ``num_classes`` (input channels) follows the output channels of
            the head it reads unless set.
        gan_loss: ``'BCE'`` (vanilla GAN, AdaptSegNet) or ``'LS'`` (LSGAN).
        head: Whose output D reads: ``'decode'`` (the segmentor's output)
            or ``'auxiliary'`` (the first auxiliary head's: multi-level).
        init_cfg: Initialisation config of D.
    """

    update_name = 'disc'

    def __init__(
        self,
        discriminator: ConfigType = dict(type='FCDiscriminator'),
        weight: float = 0.002,
        gan_loss: str = 'BCE',
        head: str = 'decode',
        init_cfg=None,
    ) -> None:
        super().__init__(weight, init_cfg=init_cfg)
        self.gan_loss = check_gan_loss_type(gan_loss)
        self.head = check_head(head)
        self.discriminator_cfg = discriminator

    def setup(self, segmentor: nn.Module) -> None:
        """Build D for the channels of the head it reads."""
        channels = read_head(
            segmentor, self.head, type(self).__name__
        ).out_channels
        given = self.discriminator_cfg.get('num_classes', channels)
        if given != channels:
            raise ValueError(
                f'the discriminator reads {channels} class channels (the '
                f"{self.head} head's output) but its config sets "
                f'num_classes={given}: leave num_classes out, and D follows '
                'the segmentor'
            )
        self.discriminator = MODELS.build(
            self.discriminator_cfg, default_args=dict(num_classes=channels)
        )

    def describe(self, outputs: DomainOutputs) -> str:
        """Whose output D reads."""
        return (
            f'D reads the softmax of the {self.head} head at the input '
            f'size ({self.gan_loss} GAN loss)'
        )

    def discriminator_input(self, step: UDAStep, domain: str) -> Tensor:
        """What D reads of a domain's prediction, with its graph: the
        softmax ``Q`` of the head's logits at the input size."""
        return step.probabilities(domain, self.head)

    def loss(self, step: UDAStep) -> Dict[str, Tensor]:
        """M learns to make D call target predictions source. D is called
        with its parameters as constants: none of them gets a gradient
        here, so its DDP wrapper has nothing to track."""
        scores = frozen_call(
            self.discriminator, self.discriminator_input(step, 'target')
        )
        return {
            'loss_adv': self.weight
            * gan_loss(scores, SOURCE_LABEL, self.gan_loss)
        }

    def forward(self, step: UDAStep) -> Dict[str, Tensor]:
        """D learns to tell the domains apart on detached predictions."""
        src_scores = self.discriminator(
            self.discriminator_input(step, 'source').detach()
        )
        tgt_scores = self.discriminator(
            self.discriminator_input(step, 'target').detach()
        )
        return {
            'loss_src': gan_loss(src_scores, SOURCE_LABEL, self.gan_loss) / 2,
            'loss_tgt': gan_loss(tgt_scores, TARGET_LABEL, self.gan_loss) / 2,
            'acc_src': domain_accuracy(
                src_scores, SOURCE_LABEL, self.gan_loss
            ),
            'acc_tgt': domain_accuracy(
                tgt_scores, TARGET_LABEL, self.gan_loss
            ),
        }
