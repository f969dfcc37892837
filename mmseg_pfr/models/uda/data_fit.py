"""Whether a segmentor fits the data it will train on: its heads' class
count and its preprocessor's padding.

A zoo config brings its own dataset's settings into the segmentor. An
ADE20K head predicts 150 classes: on 19-class data it trains without an
error, 131 of its outputs never labelled; a head with fewer classes than
the data fails at the first iteration with ``IndexError: Target 10 is out
of bounds``, naming no key. A Cityscapes config's
``data_preprocessor.size`` pads every batch to its 512x1024 or 832x832
crop: padding a 144x256 crop to 832x832 makes 95 % of every batch padding,
which mmseg's cross-entropy averages in (``avg_non_ignore=False``, its
default), so the loss is diluted nineteenfold and every iteration computes
on nineteen times the pixels, with no error. :func:`class_problems` and
:func:`padding_problem` name both with the config key and the fix.
"""

from typing import Dict, List, Tuple

import torch.nn as nn

from .taps import auxiliary_heads, decode_heads

# A preprocessor ``size`` may pad a training crop to at most this multiple
# of its area (a size rounded up to the network's stride pads by a few
# percent); beyond it, most of each batch is padding.
MAX_PADDING = 1.5


def head_keys(segmentor: nn.Module) -> List[Tuple[str, nn.Module]]:
    """(config key, head) of every decode and auxiliary head."""
    found = []
    for kind, heads in (
        ('decode_head', decode_heads(segmentor)),
        ('auxiliary_head', auxiliary_heads(segmentor)),
    ):
        for i, head in enumerate(heads):
            found.append((kind if len(heads) == 1 else f'{kind}[{i}]', head))
    return found


def class_problems(
    segmentor: nn.Module, num_classes: int, prefix: str
) -> List[str]:
    """A problem for every head predicting another number of classes than
    the training data has."""
    problems = []
    for key, head in head_keys(segmentor):
        own = getattr(head, 'num_classes', None)
        if own is not None and own != num_classes:
            problems.append(
                f'{prefix}{key}.num_classes is {own}, but the training data '
                f'has {num_classes} classes: set num_classes={num_classes}'
            )
    return problems


def padding_problem(
    segmentor: nn.Module, crops: Dict[str, Tuple[int, int]], prefix: str
) -> str:
    """Why the preprocessor's ``size`` pads the training crops too much
    (empty when it does not, or has no ``size``)."""
    size = getattr(segmentor.data_preprocessor, 'size', None)
    if not size or not crops:
        return ''
    size = tuple(size)

    def factor(crop: Tuple[int, int]) -> float:
        padded = max(crop[0], size[0]) * max(crop[1], size[1])
        return padded / (crop[0] * crop[1])

    worst = max(crops.values(), key=factor)
    if factor(worst) <= MAX_PADDING:
        return ''
    largest = tuple(max(c[i] for c in crops.values()) for i in (0, 1))
    seen = ', '.join(f'{h}x{w} ({name})' for name, (h, w) in crops.items())
    return (
        f'{prefix}data_preprocessor.size is {size}, but the training crops '
        f'are {seen}: padding {worst[0]}x{worst[1]} to {size} makes each '
        f'batch {factor(worst):.1f}x its area, the padding ignored by the '
        f'loss and computed on: set size={largest}'
    )
