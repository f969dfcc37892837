"""Progressive Feature Refinement loss ``L_pfr = L_sty + L_con``.

At each aligned stage i the content features ``C^i`` are the stage's feature
maps and the style features ``S^i`` their Gram matrices; PFR refines the
source features towards the target's in both::

    L_pfr = sum_i w_i * (w_sty * ||S^i_s - S^i_t||^2
                         + w_con * ||C^i_s - C^i_t||^2)

Where the paper is silent (our decisions, each an option):

- The Gram matrix, as in Gatys et al. (whom the paper cites for style), is
  normalised by the number of positions: ``G = F F^T / (H W)`` with F the
  (C, HW) feature matrix, and ``||S_s - S_t||^2`` is the mean over its
  C x C entries. That is Gatys et al.'s ``1/(4 N^2 M^2) sum (G - A)^2`` on
  the unnormalised Gram, times 4. ``gram_norm='chw'`` also divides by C,
  which makes the style term C^2 times smaller (1e-9 of the loss at
  ResNet-101 widths: PFR becomes content-only); it is kept for comparison.
- Grams are computed in float32, also under mixed precision. The style term
  compares the batch-mean source and target Grams (the paper's per-image
  formula at batch 1); the content term compares paired samples, the target
  map resized bilinearly to the source map's size where the crops differ.
  Squared norms are means over elements.
- The source features are matched *to* the target's (the paper's wording):
  by default the target features are a fixed reference and receive no PFR
  gradient (``detach_target=True``); ``False`` pulls both domains together.
"""

from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

GRAM_NORMS = ('hw', 'chw')


def check_gram_norm(norm: str) -> str:
    """``norm`` itself, or a ValueError naming the choices."""
    if norm not in GRAM_NORMS:
        raise ValueError(
            f'gram_norm must be one of {GRAM_NORMS}, got {norm!r}'
        )
    return norm


def gram_matrix(feats: Tensor, norm: str = 'hw') -> Tensor:
    """Per-sample Gram matrices ``F F^T / (H W)`` (``'hw'``) or
    ``F F^T / (C H W)`` (``'chw'``), in float32.

    Args:
        feats: Feature maps (N, C, H, W), any floating dtype.
        norm: What the Gram matrix is divided by, see :data:`GRAM_NORMS`.

    Returns:
        (N, C, C) float32 Gram matrices.
    """
    n, c, h, w = feats.shape
    divisor = h * w if check_gram_norm(norm) == 'hw' else c * h * w
    with torch.autocast(feats.device.type, enabled=False):
        flat = feats.float().reshape(n, c, h * w)
        return torch.bmm(flat, flat.transpose(1, 2)) / divisor


def style_loss(source: Tensor, target: Tensor, norm: str = 'hw') -> Tensor:
    """``||S_s - S_t||^2``: mean over entries of the squared difference of
    the domains' batch-mean Gram matrices."""
    return F.mse_loss(
        gram_matrix(source, norm).mean(0), gram_matrix(target, norm).mean(0)
    )


def content_loss(source: Tensor, target: Tensor) -> Tensor:
    """``||C_s - C_t||^2`` between paired maps, in float32; the target map
    is resized to the source map's size when they differ."""
    if target.shape[-2:] != source.shape[-2:]:
        target = F.interpolate(
            target,
            size=source.shape[-2:],
            mode='bilinear',
            align_corners=False,
        )
    with torch.autocast(source.device.type, enabled=False):
        return F.mse_loss(source.float(), target.float())


@MODELS.register_module()
class PFRLoss(nn.Module):
    """Style (Gram) and content matching between source and target stages.

    Args:
        style_weight: ``w_sty``, weight of the Gram term.
        content_weight: ``w_con``, weight of the content term.
        stage_weights: ``w_i`` per aligned stage; None gives 1 for each.
            Its length must match the number of stages passed in.
        gram_norm: ``'hw'`` (default): Gram matrices divided by H*W, Gatys
            et al.'s normalisation; ``'chw'``: also by C (the first version
            of this plugin; makes the style term negligible at ResNet
            widths).
        detach_target: True (default): the target features are the
            reference the source is matched to and get no gradient from
            PFR; False: both domains are pulled together.
        loss_name: Prefix of the returned keys (``<name>_style``,
            ``<name>_content``); must start with ``loss``.
    """

    def __init__(
        self,
        style_weight: float = 1.0,
        content_weight: float = 1.0,
        stage_weights: Optional[Sequence[float]] = None,
        gram_norm: str = 'hw',
        detach_target: bool = True,
        loss_name: str = 'loss',
    ) -> None:
        super().__init__()
        if not loss_name.startswith('loss'):
            raise ValueError(
                f"loss_name must start with 'loss' so mmengine "
                f'sums it, got {loss_name!r}'
            )
        self.style_weight = style_weight
        self.content_weight = content_weight
        self.stage_weights = (
            None if stage_weights is None else tuple(stage_weights)
        )
        self.gram_norm = check_gram_norm(gram_norm)
        self.detach_target = detach_target
        self.loss_name = loss_name

    def forward(
        self, source_feats: Sequence[Tensor], target_feats: Sequence[Tensor]
    ) -> Dict[str, Tensor]:
        """Weighted style and content losses summed over stages.

        Args:
            source_feats: Source stage features ``C^i_s``, each (N, C_i, H, W).
            target_feats: Target stage features ``C^i_t``, same stages and
                batch size; spatial sizes may differ from the source's.

        Returns:
            ``dict(<loss_name>_style=..., <loss_name>_content=...)``, each
            already multiplied by its term and stage weights. A term whose
            weight is 0 is not computed and reads 0.
        """
        weights = self._check(source_feats, target_feats)
        if self.detach_target:
            target_feats = [t.detach() for t in target_feats]
        zero = source_feats[0].new_zeros((), dtype=torch.float32)
        style, content = zero, zero
        for w, src, tgt in zip(weights, source_feats, target_feats):
            if self.style_weight and w:
                style = style + w * style_loss(src, tgt, self.gram_norm)
            if self.content_weight and w:
                content = content + w * content_loss(src, tgt)
        return {
            f'{self.loss_name}_style': self.style_weight * style,
            f'{self.loss_name}_content': self.content_weight * content,
        }

    def _check(
        self, source_feats: Sequence[Tensor], target_feats: Sequence[Tensor]
    ) -> List[float]:
        """The stage weights, after checking that the two lists pair up."""
        if len(source_feats) != len(target_feats) or not source_feats:
            raise ValueError(
                f'PFRLoss needs the same, non-zero number of source and '
                f'target stages, got {len(source_feats)} and '
                f'{len(target_feats)}'
            )
        weights = self.stage_weights or (1.0,) * len(source_feats)
        if len(weights) != len(source_feats):
            raise ValueError(
                f'PFRLoss has {len(weights)} stage_weights but got '
                f'{len(source_feats)} stages'
            )
        for i, (src, tgt) in enumerate(zip(source_feats, target_feats)):
            if src.shape[:2] != tgt.shape[:2]:
                raise ValueError(
                    f'PFR pairs source and target samples stage by stage: '
                    f'stage {i} has source (batch, channels) '
                    f'{tuple(src.shape[:2])} but target '
                    f'{tuple(tgt.shape[:2])}; use equal source and target '
                    f'batch sizes'
                )
        return list(weights)
