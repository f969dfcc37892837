"""The pseudo-label margins a target pipeline marked
(:class:`~mmseg_pfr.datasets.transforms.PseudoLabelMargins`, HRDA's
``crop_pseudo_margins``), as weights of the teacher's pseudo-labels."""

from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

KEY = 'pseudo_valid'


def margin_weights(
    samples: Sequence, size: Tuple[int, int], device: torch.device
) -> Optional[Tensor]:
    """(N, H, W) float: 1 where a target image's pseudo-labels count, 0 in
    its margins; None when its pipeline marked none.

    Each sample's mask was cropped with its image; mmcv's ``RandomFlip``
    flips only the labels, so a flipped image's mask is flipped here. The
    data preprocessor may have padded the batch to ``size``: padding has
    no pseudo-labels worth a weight (0).
    """
    masks = [sample.metainfo.get(KEY) for sample in samples]
    if all(mask is None for mask in masks):
        return None
    if any(mask is None for mask in masks):
        raise ValueError(
            "some target images carry 'pseudo_valid' and some do not: put "
            'PseudoLabelMargins in the target pipeline of every target '
            'dataset'
        )
    return torch.stack([
        _aligned(mask, sample.metainfo, size, device)
        for mask, sample in zip(masks, samples)
    ])  # fmt: skip


def _aligned(mask, meta: dict, size: Tuple[int, int], device) -> Tensor:
    """One mask as the image it belongs to: flipped with it, padded to
    the batch's size."""
    mask = torch.as_tensor(mask, dtype=torch.float32, device=device)
    if meta.get('flip'):
        direction = meta.get('flip_direction', 'horizontal')
        dims = {'horizontal': [1], 'vertical': [0], 'diagonal': [0, 1]}
        mask = mask.flip(dims[direction])
    h, w = mask.shape
    return F.pad(mask, (0, size[1] - w, 0, size[0] - h))
