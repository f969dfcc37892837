"""HRDA's multi-resolution fusion (Hoyer et al., "HRDA: Context-Aware
High-Resolution Domain-Adaptive Semantic Segmentation", ECCV 2022), as
functions of tensors and crop boxes.

A training crop is seen twice by one network: downscaled whole, the
*context* (scale ``s_c``, HRDA 0.5), and at full resolution in a part of
it, the *detail* crop (HRDA 512x512 of a 1024x1024 crop). A learned scale
attention ``a`` (from the context features, zero outside the detail crop)
fuses the two predictions on the detail grid::

    P_f = a * P_d (inserted at the crop) + up((1 - a) * P_c),  a = up(a)

Boxes are ``(y1, y2, x1, x2)`` in pixels of the input at detail scale.
Every function here computes what HRDA's ``HRDAEncoderDecoder`` and
``HRDAHead`` compute (lhoyer/HRDA c370b5b:
mmseg/models/segmentors/hrda_encoder_decoder.py, get_crop_bbox, crop,
extract_slide_feat; mmseg/models/decode_heads/hrda_head.py, scale_box,
HRDAHead.forward, decode_hr); tests/test_models/test_multi_res.py checks it
on their code's outputs.
"""

from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmseg.models.utils import resize
from torch import Tensor

Box = Tuple[int, int, int, int]  # (y1, y2, x1, x2)


def crop_box(
    size: Sequence[int],
    crop: Sequence[int],
    divisible: int,
    generator: torch.Generator,
) -> Box:
    """A random ``crop`` of an image of ``size`` (h, w), its corner on a
    grid of ``divisible`` pixels (HRDA 8: output stride 4 at half scale,
    so that the crop falls on the context's feature cells)."""
    h, w = size
    if h < crop[0] or w < crop[1]:
        raise ValueError(
            f'the detail crop {tuple(crop)} does not fit the {h}x{w} input '
            'at detail scale'
        )
    if (h, w) == tuple(crop):
        return (0, h, 0, w)
    offsets = []
    for extent, length in zip((h, w), crop):
        # HRDA's randint(0, cells) fails for 0 cells; one cell: offset 0.
        cells = max((extent - length + 1) // divisible, 1)
        drawn = torch.randint(cells, (1,), generator=generator).item()
        offsets.append(int(drawn) * divisible)
    (y1, x1), (ch, cw) = offsets, crop
    return (y1, y1 + ch, x1, x1 + cw)


def crop(x: Tensor, box: Box) -> Tensor:
    """The ``box`` of the last two dimensions of ``x``."""
    y1, y2, x1, x2 = box
    return x[..., y1:y2, x1:x2]


def scale_box(box: Box, scale: float) -> Box:
    """``box`` on a grid ``scale`` times coarser (truncated, as HRDA)."""
    return tuple(int(v / scale) for v in box)


def slide_boxes(
    size: Sequence[int], crop_size: Sequence[int], stride: Sequence[int]
) -> List[Box]:
    """The windows of a sliding-window pass over an image of ``size``
    (mmseg's and HRDA's order; the last window of a row or column is
    moved back to end at the border)."""
    (h, w), (ch, cw), (sh, sw) = size, crop_size, stride
    rows = max(h - ch + sh - 1, 0) // sh + 1
    cols = max(w - cw + sw - 1, 0) // sw + 1
    boxes = []
    for r in range(rows):
        for c in range(cols):
            y2, x2 = min(r * sh + ch, h), min(c * sw + cw, w)
            boxes.append((max(y2 - ch, 0), y2, max(x2 - cw, 0), x2))
    return boxes


def assemble(crops: Tensor, boxes: Sequence[Box], batch: int) -> Tensor:
    """The predictions of sliding windows placed on the whole grid and
    averaged where they overlap.

    Args:
        crops: (len(boxes) * batch, C, h, w): window ``i``'s predictions
            for the batch are rows ``i * batch`` to ``(i + 1) * batch``.
        boxes: Each window on the prediction grid.
        batch: The batch size.
    """
    height = max(box[1] for box in boxes)
    width = max(box[3] for box in boxes)
    shape = (batch, crops.shape[1], height, width)
    preds = crops.new_zeros(shape)
    count = crops.new_zeros((batch, 1, height, width))
    for i, (y1, y2, x1, x2) in enumerate(boxes):
        window = crops[i * batch : (i + 1) * batch]
        preds += F.pad(window, (x1, width - x2, y1, height - y2))
        count[:, :, y1:y2, x1:x2] += 1
    return preds / count


def fuse(
    context: Tensor,
    detail: Tensor,
    attention: Tensor,
    box: Optional[Box],
    output_stride: int,
    scales: Tuple[float, float],
    align_corners: bool,
) -> Tuple[Tensor, Tensor]:
    """HRDA's fused prediction and its attenuated context prediction.

    Args:
        context: ``P_c`` (N, C, h, w): the context's logits.
        detail: ``P_d``: the detail crop's logits (``box`` given), or the
            whole image's at detail scale (``box`` None: inference).
        attention: ``a`` (N, C or 1, h, w): the scale attention, after
            the sigmoid.
        box: The detail crop at detail scale; None when ``detail`` covers
            the whole input.
        output_stride: Input pixels per logit cell at either scale.
        scales: ``(s_c, s_d)``, the context's and the detail's scales.
        align_corners: Of the upsampling (the decode head's).

    Returns:
        ``P_f`` on the detail grid, and ``(1 - a) * P_c`` (what HRDA's
        context loss reads).
    """
    if box is not None:
        mask = context.new_zeros((context.shape[0], 1, *context.shape[2:]))
        mask[crop_slices(box, output_stride / scales[0])] = 1
        attention = attention * mask
    context = (1 - attention) * context
    up = dict(
        scale_factor=scales[1] / scales[0],
        mode='bilinear',
        align_corners=align_corners,
    )
    up_context = resize(context, **up)
    attention = resize(attention, **up)
    if box is not None:
        inserted = torch.zeros_like(up_context)
        inserted[crop_slices(box, output_stride)] = detail
        detail = inserted
    return attention * detail + up_context, context


def crop_slices(box: Box, scale: float) -> tuple:
    """The index of ``box`` on a grid ``scale`` times coarser, over the
    last two dimensions of an (N, C, h, w) tensor."""
    y1, y2, x1, x2 = scale_box(box, scale)
    return (..., slice(y1, y2), slice(x1, x2))
