"""Configuration mistakes found before the first iteration, in one line.

A decode or auxiliary head built for other channels than its input, or a
PFR stage the backbone does not have, otherwise surfaces at the first
iteration as a convolution's shape error that names no config key.
:func:`check_model` forwards one small input through the backbone and
neck (no gradient, eval mode, seconds) and compares what every head would
read with what it was built for, then lets every UDA term check the stages
it reads.
"""

from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
from torch import Tensor

from .taps import DomainOutputs, auxiliary_heads, decode_heads


class ModelCheckError(ValueError):
    """A config key does not fit the model; the message names it."""


def channels(x) -> object:
    """Channels of a feature map, or the list of a list of them."""
    if isinstance(x, Tensor):
        return x.shape[1]
    return [channels(f) for f in x]


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


def head_problem(head: nn.Module, features: Sequence[Tensor], key: str) -> str:
    """Why ``head`` cannot read ``features`` (empty when it can)."""
    if not hasattr(head, '_transform_inputs'):
        return ''  # not an mmseg BaseDecodeHead: nothing known to check
    try:
        got = channels(head._transform_inputs(features))
    except IndexError:
        return (
            f'{key}.in_index={head.in_index}, but there are only '
            f'{len(features)} feature maps ({channels(features)} channels)'
        )
    if got != head.in_channels:
        return (
            f'{key}.in_channels is {head.in_channels}, but its input '
            f'(in_index={head.in_index}) has {got} channels: set '
            f'in_channels={got}'
        )
    return ''


def stage_features(
    segmentor: nn.Module, size: Tuple[int, int], prefix: str
) -> Tuple[Tuple[Tensor, ...], Tuple[Tensor, ...]]:
    """The backbone's stages and the neck's features for a zero image."""
    device = next(segmentor.parameters()).device
    x = torch.zeros(1, 3, *size, device=device)
    stages = tuple(segmentor.backbone(x))
    if not segmentor.with_neck:
        return stages, stages
    try:
        return stages, tuple(segmentor.neck(stages))
    except (RuntimeError, IndexError) as error:
        expected = getattr(segmentor.neck, 'in_channels', '?')
        raise ModelCheckError(
            f'{prefix}neck cannot read the backbone: its in_channels is '
            f'{expected}, the backbone gives {channels(stages)} channels '
            f'({type(error).__name__}: {str(error).splitlines()[0]})'
        ) from error


@torch.no_grad()
def check_model(model: nn.Module, size: Tuple[int, int] = (64, 64)) -> None:
    """Raise :class:`ModelCheckError` naming the first config key that
    does not fit, for a UDA model (its segmentor and terms) or a plain
    mmseg segmentor; the model's train/eval mode is restored."""
    uda = hasattr(model, 'inner_segmentor')
    segmentor = model.inner_segmentor if uda else model
    prefix = 'model.segmentor.' if uda else 'model.'
    training = model.training
    model.eval()
    try:
        stages, features = stage_features(segmentor, size, prefix)
        problems = [
            head_problem(head, features, prefix + key)
            for key, head in head_keys(segmentor)
        ]
        problems = [p for p in problems if p]
        if problems:
            raise ModelCheckError('; '.join(problems))
        if uda:
            outputs = DomainOutputs(stages[0], stages, features, ())
            for name, term in model.named_terms():
                try:
                    term.describe(outputs)
                except (IndexError, TypeError, ValueError) as error:
                    raise ModelCheckError(
                        f'model.terms.{name}: {error}'
                    ) from error
    finally:
        model.train(training)
