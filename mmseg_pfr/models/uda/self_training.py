"""Self-training with a mean teacher and ClassMix pseudo-labels (DACS,
Tranheden et al., WACV 2021; as configured in DAFormer, Hoyer et al., CVPR
2022).

The teacher is an exponential moving average (EMA) of the student
segmentor. It labels each target image (argmax), the labels are weighted by
the share of pixels the teacher is confident about, and ClassMix pastes half
of a source image's classes onto the target image; the student learns from
the mixed image and labels::

    q, y_hat = max softmax(up(teacher(x_t)))       (no gradient)
    w_t      = |{q > tau}| / |q|                    (one scalar per batch)
    x_m, y_m, w_m = ClassMix(x_s, y_s, x_t, y_hat, w_t)
    L_st     = mean(w_m * CE(up(student(x_m)), y_m))
    teacher <- alpha_k * teacher + (1 - alpha_k) * student   (after step k)
    alpha_k  = min(1 - 1 / (k + 1), alpha)

The teacher is never trained by gradients (all its parameters have
``requires_grad=False``, so no optimizer and no DDP wrapper sees it), stays
in eval mode, and is part of the model's state dict: checkpoints save it and
``--resume`` restores it exactly. Buffers (BN statistics) are copied from
the student rather than averaged.
"""

import copy
from typing import Callable, Dict, NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from ..utils.class_mix import ImageNorm


class PseudoLabels(NamedTuple):
    """The teacher's view of a target batch."""

    label: Tensor  # (N, h, w) long: argmax of the teacher's softmax
    weight: Tensor  # (N, h, w) float: the confident share, 0 in ignored rows
    confident: Tensor  # () the share of pixels with confidence > threshold


def pseudo_labels(
    probs: Tensor,
    threshold: float,
    ignore_top: int = 0,
    ignore_bottom: int = 0,
) -> PseudoLabels:
    """Labels and weights from class probabilities (N, K, h, w).

    The weight of every pixel is the share of the batch's pixels whose top
    probability exceeds ``threshold`` (DACS/DAFormer: one scalar per
    batch), except in the ``ignore_top`` first and ``ignore_bottom`` last
    rows, where it is 0 (DAFormer's guard against the rectification
    artefacts of Cityscapes' top rows and the ego car at the bottom).
    """
    confidence, label = probs.max(dim=1)
    confident = (confidence > threshold).float().mean()
    weight = confident.expand_as(confidence).clone()
    if ignore_top > 0:
        weight[:, :ignore_top] = 0
    if ignore_bottom > 0:
        weight[:, -ignore_bottom:] = 0
    return PseudoLabels(label, weight, confident)


@MODELS.register_module()
class MeanTeacherSelfTraining(BaseModule):
    """The self-training term of :class:`UDASegmentor`: a mean teacher of
    the student segmentor and ClassMix.

    Args:
        student: The student segmentor (set by :class:`UDASegmentor`, not
            in configs); the teacher is a frozen copy of it.
        alpha: EMA momentum of the teacher (DACS/DAFormer 0.99).
        pseudo_threshold: ``tau``: a pixel is confident when the teacher's
            top probability exceeds it (DAFormer 0.968).
        pseudo_weight_ignore_top: Rows at the top of each target image
            whose pseudo-labels get weight 0 (DAFormer 15 for Cityscapes
            at 512x512 crops, 0 in DACS).
        pseudo_weight_ignore_bottom: Rows at the bottom likewise (DAFormer
            120, for the ego car).
        class_mix: Config of the mixing (:class:`ClassMix`).
        init_cfg: Unused; the teacher starts as a copy of the student.
    """

    def __init__(
        self,
        student: nn.Module,
        alpha: float = 0.99,
        pseudo_threshold: float = 0.968,
        pseudo_weight_ignore_top: int = 0,
        pseudo_weight_ignore_bottom: int = 0,
        class_mix: ConfigType = dict(type='ClassMix'),
        init_cfg=None,
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if not 0 <= alpha < 1:
            raise ValueError(f'alpha must be in [0, 1), got {alpha}')
        self.alpha = alpha
        self.pseudo_threshold = pseudo_threshold
        self.ignore_top = pseudo_weight_ignore_top
        self.ignore_bottom = pseudo_weight_ignore_bottom
        self.class_mix = MODELS.build(class_mix)
        self.teacher = copy.deepcopy(student).requires_grad_(False).eval()

    def train(self, mode: bool = True) -> 'MeanTeacherSelfTraining':
        """The teacher always predicts in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    def init_weights(self) -> None:
        """Nothing to load (the teacher's pretrained weights would be read
        a second time): :meth:`sync` copies the student before the first
        pseudo-labels."""

    @torch.no_grad()
    def sync(self, student: nn.Module) -> None:
        """Teacher := student (before the first step, as DAFormer)."""
        self.teacher.load_state_dict(student.state_dict())

    def alpha_after(self, steps: int) -> float:
        """``alpha_k`` after ``steps`` student updates."""
        return min(1 - 1 / (steps + 1), self.alpha)

    @torch.no_grad()
    def ema_update(self, student: nn.Module, steps: int) -> None:
        """Move the teacher towards ``student`` after its ``steps``-th
        update; buffers are copied."""
        alpha = self.alpha_after(steps)
        teacher_params = list(self.teacher.parameters())
        student_params = [p.detach() for p in student.parameters()]
        torch._foreach_mul_(teacher_params, alpha)
        torch._foreach_add_(teacher_params, student_params, alpha=1 - alpha)
        for mine, theirs in zip(self.teacher.buffers(), student.buffers()):
            mine.copy_(theirs)

    @torch.no_grad()
    def predict(self, target: Tensor, align_corners: bool) -> PseudoLabels:
        """The teacher's pseudo-labels of normalised target inputs."""
        logits = self.teacher(target, mode='tensor')
        probs = resize(
            logits.float(),
            size=target.shape[2:],
            mode='bilinear',
            align_corners=align_corners,
        ).softmax(dim=1)
        return pseudo_labels(
            probs, self.pseudo_threshold, self.ignore_top, self.ignore_bottom
        )

    def loss(
        self,
        student: Callable[[Tensor], Tensor],
        source: Tensor,
        source_label: Tensor,
        target: Tensor,
        norm: ImageNorm,
        gen: torch.Generator,
        align_corners: bool,
        ignore_index: int = 255,
    ) -> Dict[str, Tensor]:
        """``L_st`` of one batch, and the confident share of its
        pseudo-labels.

        Args:
            student: The student's forward, inputs -> logits (through its
                DDP wrapper, so that gradients are synchronised).
            source: (N, 3, H, W) normalised source inputs.
            source_label: (N, H, W) their labels.
            target: (N, 3, h, w) normalised target inputs.
            norm: The data preprocessor's normalisation.
            gen: The step's random generator (ClassMix and augmentation).
            align_corners: Of the decode head, for every resize.
            ignore_index: Label the loss ignores.
        """
        pseudo = self.predict(target, align_corners)
        mixed = self.class_mix(
            source, source_label, target, pseudo.label, pseudo.weight, norm,
            gen,
        )  # fmt: skip
        logits = resize(
            student(mixed.image),
            size=mixed.label.shape[-2:],
            mode='bilinear',
            align_corners=align_corners,
        )
        pixel_loss = F.cross_entropy(
            logits.float(),
            mixed.label,
            ignore_index=ignore_index,
            reduction='none',
        )
        return dict(
            loss_ce=(pixel_loss * mixed.weight).mean(),
            pseudo_weight=pseudo.confident,
        )
