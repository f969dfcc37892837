"""Configuration mistakes found before the first iteration, in one line.

A decode or auxiliary head built for other channels than its input, or a
PFR stage the backbone does not have, otherwise surfaces at the first
iteration as a convolution's shape error that names no config key.
:func:`check_model` forwards one small input through the backbone and
neck (no gradient, eval mode, seconds) and compares what every head would
read with what it was built for, and the heads' classes with the training
data's (:mod:`.data_fit`); lets every UDA term check the stages it reads;
and runs the validation path once (:mod:`.validation_check`).
:func:`check_crops` compares the preprocessor's padding with the training
crops.
"""

from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from torch import Tensor

from .data_fit import class_problems, head_keys, padding_problem
from .taps import DomainOutputs
from .validation_check import predict_problem


class ModelCheckError(ValueError):
    """A config key does not fit the model; the message names it."""


def channels(x) -> object:
    """Channels of a feature map, or the list of a list of them."""
    if isinstance(x, Tensor):
        return x.shape[1]
    return [channels(f) for f in x]


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


def term_notes(model: nn.Module, outputs: DomainOutputs) -> List[str]:
    """Every term's check of what it reads (an error names the term's
    key); the notes the terms have on it, each with the term's key."""
    notes = []
    for name, term in model.named_terms():
        try:
            term.describe(outputs)
            note = term.note(outputs)
        except (IndexError, TypeError, ValueError) as error:
            raise ModelCheckError(f'model.terms.{name}: {error}') from error
        if note:
            notes.append(f'model.terms.{name}: {note}')
    return notes


@torch.no_grad()
def check_model(
    model: nn.Module,
    size: Tuple[int, int] = (64, 64),
    num_classes: Optional[int] = None,
) -> List[str]:
    """Raise :class:`ModelCheckError` naming every config key that does
    not fit, for a UDA model (its segmentor and terms) or a plain mmseg
    segmentor; the model's train/eval mode is restored.

    Args:
        model: The built model.
        size: (h, w) of the zero image forwarded.
        num_classes: The training data's class count; None skips the
            heads' check against it.

    Returns:
        Notes on what trains but may not be what the config means (PFR on
        a single stage), each naming its key, for the log.
    """
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
        if num_classes is not None:
            problems += class_problems(segmentor, num_classes, prefix)
        if problems:
            raise ModelCheckError('; '.join(problems))
        notes = []
        if uda:
            # A multi-resolution segmentor's detail crop runs the same
            # backbone: its stages have the context's channels.
            detail = stages if hasattr(segmentor, 'multi_res_output') else None
            outputs = DomainOutputs(
                stages[0], stages, features, (), detail_stages=detail
            )
            notes = term_notes(model, outputs)
        problem = predict_problem(segmentor, size, prefix)
        if problem:
            raise ModelCheckError(problem)
        return notes
    finally:
        model.train(training)


def check_crops(model: nn.Module, crops: Dict[str, Tuple[int, int]]) -> None:
    """Raise :class:`ModelCheckError` when the preprocessor's ``size``
    pads the training ``crops`` (per domain) too much
    (:func:`.data_fit.padding_problem`)."""
    uda = hasattr(model, 'inner_segmentor')
    segmentor = model.inner_segmentor if uda else model
    problem = padding_problem(
        segmentor, crops, 'model.segmentor.' if uda else 'model.'
    )
    if problem:
        raise ModelCheckError(problem)
