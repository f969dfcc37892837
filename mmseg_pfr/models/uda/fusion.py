"""Whether source and target go through the segmentor as one batch.

One forward of ``cat(x_s, x_t)`` computes exactly what two forwards do, and
faster, when both crops have one size and no layer of the forward path
normalises with batch statistics (BatchNorm in training mode would
normalise each domain with the other's statistics). Frozen BN, LayerNorm
and GroupNorm do not mix samples.
"""

from typing import List, Tuple

import torch
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm


def batch_statistics_modules(segmentor: nn.Module) -> List[str]:
    """The layers of the forward path (backbone, neck, decode heads) that
    normalise with batch statistics: a fused batch would mix the domains
    there, and target images update their running statistics."""
    parts = dict(backbone=segmentor.backbone)
    if segmentor.with_neck:
        parts['neck'] = segmentor.neck
    parts['decode_head'] = segmentor.decode_head
    return [
        f'segmentor.{part}.{name}'.rstrip('.')
        for part, module in parts.items()
        for name, m in module.named_modules()
        if isinstance(m, _BatchNorm) and m.training
    ]


def fusion(
    segmentor: nn.Module,
    allowed: bool,
    source_shape: torch.Size,
    target_shape: torch.Size,
) -> Tuple[bool, str]:
    """Whether the two domains are forwarded as one batch, and why."""
    if not allowed:
        return False, 'fuse_forward=False'
    if tuple(source_shape[1:]) != tuple(target_shape[1:]):
        return False, (
            f'the crops differ (source {tuple(source_shape[2:])}, '
            f'target {tuple(target_shape[2:])})'
        )
    mixing = batch_statistics_modules(segmentor)
    if mixing:
        return False, (
            f'{mixing[0]} normalises with batch statistics (BatchNorm in '
            'training mode), which would mix the domains'
        )
    return True, 'the crops match and no layer mixes samples'
