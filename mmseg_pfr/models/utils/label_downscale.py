"""A label map at a feature map's size, keeping only confident cells
(DAFormer, Hoyer et al., CVPR 2022: ``downscale_label_ratio`` in
``mmseg/utils/utils.py``, used by its thing-class feature distance).

Each cell of the small map covers a block of label pixels. The cell takes
the block's most frequent class when that class covers at least
``min_ratio`` of the block's pixels, ignored pixels counted in the block
(and the ignore label competing as a class of its own); otherwise it is
ignored::

    r_c(cell) = |{p in cell : y_p = c}| / |cell|    (c = 0..K-1, ignore)
    y(cell)   = argmax_c r_c   if max_c r_c >= min_ratio   else ignore

DAFormer pools ``s x s`` blocks with ``s = W // w`` (the label's width over
the feature map's) and so only handles labels whose size is ``s`` times
the feature map's. Here the cells are those of adaptive average pooling
to the feature size: the same ``s x s`` blocks in DAFormer's case, and
blocks of nearly equal size when the sizes do not divide (1280x720 inputs
at output stride 32, a caffe ResNet's ceil-mode grid).
"""

from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


@torch.no_grad()
def downscale_label_ratio(
    label: Tensor,
    size: Tuple[int, int],
    min_ratio: float,
    num_classes: int,
    ignore_index: int = 255,
) -> Tensor:
    """(N, H, W) labels -> (N, h, w) labels of the cells that one class
    covers to at least ``min_ratio``, ``ignore_index`` elsewhere.

    Args:
        label: (N, H, W) class indices; ``ignore_index`` (and any value
            outside ``[0, num_classes)``) is ignored.
        size: ``(h, w)``, the feature map's size.
        min_ratio: The share of a cell's pixels its class must cover
            (DAFormer 0.75).
        num_classes: ``K``, the number of classes.
        ignore_index: The label of ignored pixels and cells.
    """
    valid = (label >= 0) & (label < num_classes)
    classes = torch.where(valid, label, num_classes).long()
    # (N, K + 1, H, W): the last channel is the ignore label's.
    one_hot = F.one_hot(classes, num_classes + 1).permute(0, 3, 1, 2)
    ratio = F.adaptive_avg_pool2d(one_hot.float(), size)
    best, cells = ratio.max(dim=1)
    ignored = (cells == num_classes) | (best < min_ratio)
    return torch.where(ignored, ignore_index, cells)
