"""Random block masks of images (MIC, Hoyer et al., CVPR 2023:
``BlockMaskGenerator`` in ``seg/mmseg/models/utils/masking_transforms.py``).

The image is divided into a grid of ``b x b`` blocks; each block is kept
with probability ``1 - r`` (``r`` the mask ratio) and the kept/masked grid
is resized to the image with nearest interpolation::

    grid = U(0, 1)^(N, 1, round(H / b), round(W / b)) > r
    M    = nearest_resize(grid, (H, W))          (1 kept, 0 masked)
    x_M  = M * x                                  (on the normalised image)

A masked pixel becomes 0 after normalisation, the mean colour. When ``b``
does not divide the image, nearest interpolation makes blocks of nearly
equal size (as MIC's ``resize``).
"""

from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor


def scaled_block_size(
    block_size: int, height: int, reference_height: Optional[int]
) -> int:
    """The block size for an input ``height`` pixels high: ``block_size``
    at ``reference_height``, in proportion elsewhere (rounded, at least 1);
    ``block_size`` itself when ``reference_height`` is None."""
    if reference_height is None:
        return block_size
    return max(1, round(block_size * height / reference_height))


def block_mask(
    shape: torch.Size,
    mask_ratio: float,
    block_size: int,
    gen: torch.Generator,
) -> Tensor:
    """An (N, 1, H, W) float mask for images of ``shape`` (N, C, H, W):
    1 where kept, 0 in the masked blocks, drawn on the CPU from ``gen``."""
    n, _, height, width = shape
    grid = (
        n,
        1,
        max(1, round(height / block_size)),
        max(1, round(width / block_size)),
    )
    kept = (torch.rand(grid, generator=gen) > mask_ratio).float()
    return F.interpolate(kept, size=(height, width), mode='nearest')
