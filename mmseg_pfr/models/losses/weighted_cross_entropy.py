"""The pixel loss of learning from pseudo-labels: ``mean(w * CE(up(P), y))``
over every pixel (DACS, DAFormer, MIC and HRDA on mixed or masked target
images; ignored pixels count as 0)."""

import torch.nn.functional as F
from mmseg.models.utils import resize
from torch import Tensor


def weighted_cross_entropy(
    logits: Tensor,
    label: Tensor,
    weight: Tensor,
    align_corners: bool,
    ignore_index: int,
) -> Tensor:
    """``mean(w * CE(up(P), y))``, the logits (N, C, h, w) resized to the
    labels' (N, H, W) size, in float32; ``weight`` is (N, H, W)."""
    logits = resize(
        logits,
        size=label.shape[-2:],
        mode='bilinear',
        align_corners=align_corners,
    )
    pixel_loss = F.cross_entropy(
        logits.float(), label, ignore_index=ignore_index, reduction='none'
    )
    return (pixel_loss * weight).mean()
