"""The interface every UDA term implements.

A UDA objective is a sum of weighted terms beside the source segmentation
loss, ``L = L_seg + sum_k lambda_k L_k``. Each term is one module, built
from its config by :class:`~mmseg_pfr.models.uda.UDASegmentor`, that
computes ``lambda_k L_k`` from the iteration's shared forward outputs
(:class:`~mmseg_pfr.models.uda.step.UDAStep`), like an mmseg head's
``loss_by_feat``. A term that trains a network of its own (the adversarial
term's discriminator D) also has an update after the segmentor's: its
``forward`` returns that network's losses, which the UDA model hands to the
optimizer named after the term. Adding a term touches no other term.
"""

from typing import Dict

import torch.nn as nn
from mmengine.model import BaseModule
from torch import Tensor

from ..step import UDAStep
from ..taps import DomainOutputs


class UDATerm(BaseModule):
    """One weighted term ``lambda * L`` of a UDA objective.

    Class attributes say what the UDA model must provide:

    - ``needs_target``: the target domain is forwarded for it.
    - ``needs_teacher``: the model's mean teacher labels target images
      for it (:meth:`UDAStep.pseudo_labels`).
    - ``update_name``: what its own update trains, in the log keys
      (``adv.disc.loss_src``).

    Args:
        weight: ``lambda``, the term's weight in the segmentor's loss. 0
            switches the term off: nothing of it is computed and its
            network, if any, is not updated.
        init_cfg: Initialisation config of the term's own networks.
    """

    needs_target: bool = True
    needs_teacher: bool = False
    # What the term's own update trains, in its log keys
    # (<term name>.<update_name>.<key>).
    update_name: str = 'update'

    def __init__(self, weight: float, init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not weight >= 0:
            raise ValueError(f'a term weight must be >= 0, got {weight}')
        self.weight = weight

    def setup(self, segmentor: nn.Module) -> None:
        """Derive what the term needs from the segmentor it adapts (built,
        not yet initialised), before the UDA model registers it; e.g. D's
        input channels. Nothing by default."""

    def describe(self, outputs: DomainOutputs) -> str:
        """What the term reads, checked against one forward's outputs (an
        error names what does not fit); logged once when training
        starts. Nothing to say by default."""
        return ''

    def note(self, outputs: DomainOutputs) -> str:
        """What the term would do on these outputs that a config may not
        mean (the model check logs it as a warning, naming the term's key,
        and :meth:`describe` says it too). Nothing by default."""
        return ''

    @property
    def active(self) -> bool:
        """Whether the term takes part in training (weight > 0)."""
        return self.weight > 0

    @property
    def has_update(self) -> bool:
        """Whether the term trains a network of its own, with the
        optimizer named after the term."""
        return any(p.requires_grad for p in self.parameters())

    def loss(self, step: UDAStep) -> Dict[str, Tensor]:
        """``lambda * L`` on the step's outputs, as mmseg loss dicts: keys
        with ``loss`` are summed into the segmentor's loss, others only
        logged. The UDA model prefixes them with the term's name."""
        raise NotImplementedError

    def forward(self, step: UDAStep) -> Dict[str, Tensor]:
        """The losses of the term's own network, after the segmentor's
        update (only for terms with :attr:`has_update`); called through
        the term's DDP wrapper, so its gradients are synchronised."""
        raise NotImplementedError(
            f'{type(self).__name__} trains no network of its own'
        )
