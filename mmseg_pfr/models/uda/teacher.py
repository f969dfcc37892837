"""The mean teacher of self-training (DACS, Tranheden et al., WACV 2021; as
configured in DAFormer, Hoyer et al., CVPR 2022) and its pseudo-labels,
shared by every term that learns from them (ClassMix self-training, MIC's
masked consistency).

The teacher is an exponential moving average (EMA) of the student
segmentor. It labels each target image (argmax), and the labels are
weighted by the share of pixels the teacher is confident about::

    q, y_hat = max softmax(up(teacher(x_t)))       (no gradient)
    w_t      = |{q > tau}| / |q|                    (one scalar per batch)
    teacher <- alpha_k * teacher + (1 - alpha_k) * student   (after step k)
    alpha_k  = min(1 - 1 / (k + 1), alpha)

The teacher is never trained by gradients (all its parameters have
``requires_grad=False``, so no optimizer and no DDP wrapper sees it), stays
in eval mode, and is part of the UDA model's state dict (``teacher.model.*``):
checkpoints save it and ``--resume`` restores it exactly. Buffers (BN
statistics) are copied from the student rather than averaged.
"""

import copy
from typing import NamedTuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from torch import Tensor


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
class MeanTeacher(BaseModule):
    """An EMA copy of the student that labels target images.

    Args:
        student: The student segmentor (set by :class:`UDASegmentor`, not
            in configs); the teacher is a frozen copy of it.
        alpha: EMA momentum of the teacher (DACS/DAFormer 0.99; DAFormer's
            recipe on real data 0.999).
        pseudo_threshold: ``tau``: a pixel is confident when the teacher's
            top probability exceeds it (DAFormer 0.968).
        pseudo_weight_ignore_top: Rows at the top of each target image
            whose pseudo-labels get weight 0 (DAFormer 15 for Cityscapes
            at 512x512 crops, 0 in DACS).
        pseudo_weight_ignore_bottom: Rows at the bottom likewise (DAFormer
            120, for the ego car).
        init_cfg: Unused; the teacher starts as a copy of the student.
    """

    def __init__(
        self,
        student: nn.Module,
        alpha: float = 0.99,
        pseudo_threshold: float = 0.968,
        pseudo_weight_ignore_top: int = 0,
        pseudo_weight_ignore_bottom: int = 0,
        init_cfg=None,
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if not 0 <= alpha < 1:
            raise ValueError(f'alpha must be in [0, 1), got {alpha}')
        self.alpha = alpha
        self.pseudo_threshold = pseudo_threshold
        self.ignore_top = pseudo_weight_ignore_top
        self.ignore_bottom = pseudo_weight_ignore_bottom
        self.model = copy.deepcopy(student).requires_grad_(False).eval()

    def train(self, mode: bool = True) -> 'MeanTeacher':
        """The teacher always predicts in eval mode."""
        super().train(mode)
        self.model.eval()
        return self

    def init_weights(self) -> None:
        """Nothing to load (the student's pretrained weights would be read
        a second time): :meth:`sync` copies the student before the first
        pseudo-labels."""

    @torch.no_grad()
    def sync(self, student: nn.Module) -> None:
        """Teacher := student (before the first step, as DAFormer)."""
        self.model.load_state_dict(student.state_dict())

    def alpha_after(self, steps: int) -> float:
        """``alpha_k`` after ``steps`` student updates."""
        return min(1 - 1 / (steps + 1), self.alpha)

    @torch.no_grad()
    def update(self, student: nn.Module, steps: int) -> None:
        """Move the teacher towards ``student`` after its ``steps``-th
        update; buffers are copied."""
        alpha = self.alpha_after(steps)
        teacher_params = list(self.model.parameters())
        student_params = [p.detach() for p in student.parameters()]
        torch._foreach_mul_(teacher_params, alpha)
        torch._foreach_add_(teacher_params, student_params, alpha=1 - alpha)
        for mine, theirs in zip(self.model.buffers(), student.buffers()):
            mine.copy_(theirs)

    @torch.no_grad()
    def predict(self, target: Tensor, align_corners: bool) -> PseudoLabels:
        """The teacher's pseudo-labels of normalised target inputs."""
        logits = self.model(target, mode='tensor')
        probs = resize(
            logits.float(),
            size=target.shape[2:],
            mode='bilinear',
            align_corners=align_corners,
        ).softmax(dim=1)
        return pseudo_labels(
            probs, self.pseudo_threshold, self.ignore_top, self.ignore_bottom
        )
