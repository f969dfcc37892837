"""Adversarial entropy minimisation, AdvEnt (ADVENT, Vu et al., CVPR
2019: ``train_advent`` in ``advent/domain_adaptation/train_UDA.py``):
``lambda_adv * L_adv`` and the update of its discriminator D.

AdaptSegNet's output-space adversarial learning (:class:`AdversarialTerm`)
with D reading the weighted self-information maps
``I_x = -P_x log2 P_x / log2 C`` (C channels, :func:`self_information`)
instead of the softmax ``P_x``: the target's entropy maps are pushed
towards the source's, low-entropy ones. The same labels and losses as
AdaptSegNet's (ADVENT's loop: source label 0, target label 1, D's losses
halved, D frozen for the segmentor's loss)::

    L_adv  = BCE(D(I_t), source)                      (D frozen)
    L_D    = BCE(D(I_s), source) / 2 + BCE(D(I_t), target) / 2

ADVENT's settings (``advent/domain_adaptation/config.py``): ``lambda_adv``
0.001 on the decode head (``LAMBDA_ADV_MAIN``) and 2e-4 on the auxiliary
one (``LAMBDA_ADV_AUX``, multi-level, its default), each level with its
own D (AdaptSegNet's, ``advent/model/discriminator.py``) and Adam 1e-4,
betas (0.9, 0.99), poly 0.9.
"""

from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from ..step import UDAStep
from ..taps import DomainOutputs
from .adversarial import AdversarialTerm
from .entropy import self_information


@MODELS.register_module()
class EntropyAdversarialTerm(AdversarialTerm):
    """``lambda_adv * L_adv`` with D on the self-information maps ``I_x``,
    and D's update.

    Args:
        discriminator: Config of D; default ``FCDiscriminator`` (ADVENT's
            and AdaptSegNet's D, width 64). Its ``num_classes`` (input
            channels, those of ``I_x``) follows the head it reads unless
            set.
        weight: ``lambda_adv``; default 0.001, ADVENT's on the decode head
            (``LAMBDA_ADV_MAIN``); 2e-4 on the auxiliary one
            (``LAMBDA_ADV_AUX``).
        gan_loss: ``'BCE'`` (default, ADVENT's) or ``'LS'`` (LSGAN).
        head: Whose output D reads: ``'decode'`` (default: the
            segmentor's output) or ``'auxiliary'`` (the first auxiliary
            head's: multi-level).
        init_cfg: Initialisation config of D.
    """

    def __init__(
        self,
        discriminator: ConfigType = dict(type='FCDiscriminator'),
        weight: float = 0.001,
        gan_loss: str = 'BCE',
        head: str = 'decode',
        init_cfg=None,
    ) -> None:
        super().__init__(
            discriminator=discriminator,
            weight=weight,
            gan_loss=gan_loss,
            head=head,
            init_cfg=init_cfg,
        )

    def describe(self, outputs: DomainOutputs) -> str:
        """Whose output D reads."""
        return (
            'D reads the self-information map -P log2 P / log2 C of the '
            f"{self.head} head's softmax at the input size "
            f'({self.gan_loss} GAN loss)'
        )

    def discriminator_input(self, step: UDAStep, domain: str) -> Tensor:
        """``I_x`` of a domain's softmax ``P_x``, with its graph."""
        return self_information(super().discriminator_input(step, domain))
