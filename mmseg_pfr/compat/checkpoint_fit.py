"""Refuse a checkpoint whose weights do not fit the model.

mmengine loads weights non-strictly (``load_from``, ``--resume``,
``Runner.load_checkpoint``, ``mmengine.runner.load_checkpoint`` and so
mmseg's ``init_model``): a weight the checkpoint lacks, or holds in another
shape, is only logged, and the model keeps its random initial value, so
``tools/test.py`` scores a random model and exits 0. :func:`fit_state_dict`
checks a checkpoint against the model first and raises
:class:`CheckpointMismatchError` naming how many weights are missing or
mis-shaped, and a few of them. :class:`CheckpointFitHook` does it for the
runner (the tools add it), ``mmseg_pfr.apis.infer.load_model`` for
inference and export.

Documented exceptions, each allowed only when the checkpoint holds none of
the part's weights:

- A UDA model's part other than its segmentor: a term's own network (the
  adversarial term's D under ``adv.*``, say) from a checkpoint of a recipe
  without that term keeps its initial weights (D is not used at test time,
  and after ``load_from`` it trains from scratch); the mean teacher
  (``teacher.*``) starts as a copy of the student.
- The segmentor's auxiliary head(s) (``auxiliary_head.*``), a
  training-only part mmseg does not use at test time: a checkpoint of the
  same network without one (a single-level AdaptSegNet or source-only
  run loaded into AdaptSegNet's multi-level model, say) leaves the new head
  at its initial weights, as AdaptSegNet's multi-level code starts its
  second classifier.
- The scale attention head of a multi-resolution segmentor (HRDA's,
  ``scale_attention.*``): a checkpoint of the same network at one scale
  (a source-only warm start loaded into HRDA, say) leaves the attention
  at its initial weights, as HRDA trains it from scratch.
- A plain mmseg segmentor checkpoint (keys ``backbone.*``,
  ``decode_head.*``) loaded into a UDA model: its keys get the
  ``segmentor.`` prefix, so ``load_from`` of an mmseg model starts UDA.
"""

from typing import Any, Dict, List, Optional, Tuple

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.runner.checkpoint import get_state_dict
from mmseg.registry import HOOKS
from torch import nn

UDA_PREFIX = 'segmentor.'
TEACHER_PREFIX = 'teacher.'
AUX_HEAD = 'auxiliary_head.'
SCALE_ATTENTION = 'scale_attention.'
SHOWN = 3  # keys named per kind of mismatch


class CheckpointMismatchError(ValueError):
    """A checkpoint's weights do not fit the model they are loaded into."""


def state_dict_of(checkpoint: Dict[str, Any]) -> Dict[str, Any]:
    """The weights of a checkpoint (mmengine's or a bare state dict)."""
    return checkpoint.get('state_dict', checkpoint)


def _bare(model: nn.Module) -> nn.Module:
    """The model inside DDP and test-time-augmentation wrappers, whose key
    names checkpoints use (as mmengine's ``load_state_dict`` does)."""
    while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
        model = model.module
    return model


def _rename_in_place(state: Dict[str, Any], expected: Dict[str, Any]) -> None:
    """Strip DDP's ``module.`` (as mmengine would); give a plain segmentor
    checkpoint the UDA model's ``segmentor.`` prefix."""
    for key in [k for k in state if k.startswith('module.')]:
        state[key[len('module.') :]] = state.pop(key)
    into_uda = any(k.startswith(UDA_PREFIX) for k in expected)
    from_uda = any(k.startswith(UDA_PREFIX) for k in state)
    if into_uda and state and not from_uda:
        for key in list(state):
            state[UDA_PREFIX + key] = state.pop(key)


def _optional_parts(expected: Dict[str, Any]) -> List[str]:
    """The prefixes of the parts a checkpoint may lack entirely: the
    segmentor's auxiliary head(s) and scale attention head and, in a UDA
    model, its parts besides the segmentor (its terms' own networks, the
    teacher)."""
    uda = any(k.startswith(UDA_PREFIX) for k in expected)
    inside = UDA_PREFIX if uda else ''
    parts = [
        inside + part
        for part in (AUX_HEAD, SCALE_ATTENTION)
        if any(k.startswith(inside + part) for k in expected)
    ]
    if uda:
        tops = {k.split('.', 1)[0] + '.' for k in expected}
        parts += sorted(tops - {UDA_PREFIX})
    return parts


def _why_allowed(prefix: str) -> str:
    if prefix.endswith(AUX_HEAD):
        return (
            "the segmentor's auxiliary head, used in training only (a "
            'checkpoint of the network without one); it keeps its initial '
            'weights'
        )
    if prefix.endswith(SCALE_ATTENTION):
        return (
            "the multi-resolution segmentor's scale attention head (a "
            'checkpoint of the network at one scale); it keeps its initial '
            'weights'
        )
    if prefix == TEACHER_PREFIX:
        return 'the mean teacher; it starts as a copy of the student'
    return (
        f"the {prefix[:-1]} term's own network (a checkpoint of a recipe "
        'without it); it keeps its initial weights'
    )


def _allowed_absent(
    missing: List[str], state: Dict[str, Any], parts: List[str]
) -> Tuple[List[str], List[str]]:
    """Split ``missing`` into keys still missing and the optional parts
    that the checkpoint holds none of."""
    absent = [
        prefix
        for prefix in parts
        if any(k.startswith(prefix) for k in missing)
        and not any(k.startswith(prefix) for k in state)
    ]
    left = [k for k in missing if not k.startswith(tuple(absent))]
    return left, absent


def _examples(keys: List[str]) -> str:
    more = ', ...' if len(keys) > SHOWN else ''
    return ', '.join(keys[:SHOWN]) + more


def _message(
    filename: str,
    total: int,
    missing: List[str],
    shapes: List[Tuple[str, tuple, tuple]],
    unexpected: List[str],
) -> str:
    parts = []
    if missing:
        parts.append(
            f"{len(missing)} of the model's {total} weights are missing "
            f'from it ({_examples(missing)})'
        )
    if shapes:
        shown = '; '.join(
            f'{k}: checkpoint {tuple(a)}, model {tuple(b)}'
            for k, a, b in shapes[:SHOWN]
        )
        more = '; ...' if len(shapes) > SHOWN else ''
        parts.append(f'{len(shapes)} have another shape ({shown}{more})')
    if unexpected:
        parts.append(
            f'it holds {len(unexpected)} weights the model has not '
            f'({_examples(unexpected)})'
        )
    return (
        f'{filename} does not fit the model: {"; ".join(parts)}. Are the '
        'config and the checkpoint from the same model?'
    )


def fit_state_dict(
    model: nn.Module, state: Dict[str, Any], filename: str
) -> None:
    """Check that the weights ``state`` fit ``model``; rename them in place
    to the model's keys (see the module docstring for the exceptions).

    Args:
        model: The model to load into (wrappers are looked through).
        state: The checkpoint's weights, changed in place.
        filename: The checkpoint, for messages.

    Raises:
        CheckpointMismatchError: Weights are missing or of another shape.
    """
    # Wrappers inside too: MMSeparateDistributedDataParallel wraps each
    # child in its own DDP, whose state dict says 'segmentor.module.*'.
    expected = get_state_dict(_bare(model))
    _rename_in_place(state, expected)
    missing = [
        k
        for k in expected
        if k not in state and not k.endswith('num_batches_tracked')
    ]
    missing, absent = _allowed_absent(
        missing, state, _optional_parts(expected)
    )
    shapes = [
        (k, state[k].shape, v.shape)
        for k, v in expected.items()
        if k in state
        and hasattr(v, 'shape')
        and getattr(state[k], 'shape', v.shape) != v.shape
    ]
    if missing or shapes:
        unexpected = [k for k in state if k not in expected]
        raise CheckpointMismatchError(
            _message(filename, len(expected), missing, shapes, unexpected)
        )
    for prefix in absent:
        print_log(
            f'{filename} holds no {prefix}* weights: allowed, '
            f'{_why_allowed(prefix)}.',
            logger='current',
        )


@HOOKS.register_module()
class CheckpointFitHook(Hook):
    """Refuse a checkpoint that does not fit the runner's model, for
    ``load_from``, ``--resume`` and ``tools/test.py`` (mmengine calls
    ``after_load_checkpoint`` before it loads the weights)."""

    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Check (and rename) the weights of ``checkpoint`` in place."""
        filename: Optional[str] = runner.cfg.get('load_from')
        fit_state_dict(
            runner.model, state_dict_of(checkpoint), filename or 'checkpoint'
        )
