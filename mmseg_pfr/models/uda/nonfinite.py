"""What an update does when a loss term is NaN or infinite.

GAN training diverges now and then (the anchors' issue trackers are full of
it). Every update of :class:`UDASegmentor` checks its loss before the
backward pass: with ``nonfinite='stop'`` (default) training stops with a
:class:`NonFiniteLossError` naming the update, the terms and the iteration,
before any weight is touched, so no poisoned weights reach a checkpoint;
with ``'skip'`` that update is skipped, a warning names the terms, and the
log key ``nonfinite.skipped`` counts the skipped updates of the run (kept in
checkpoints, so it survives ``--resume``).
"""

import logging
import math
import os.path as osp
from typing import Dict

import torch
from mmengine.logging import MessageHub, print_log
from mmengine.runner import find_latest_checkpoint
from torch import Tensor

NONFINITE_POLICIES = ('stop', 'skip')
SKIPPED_KEY = 'nonfinite.skipped'


class NonFiniteLossError(FloatingPointError):
    """A loss term is NaN or infinite; nothing was updated.

    Attributes:
        update: ``'segmentor'`` or ``'discriminator'``.
        terms: ``{name: value}`` of the non-finite terms.
        iteration: The 1-based training iteration, as the log counts.
    """

    def __init__(
        self, update: str, terms: Dict[str, float], iteration: int
    ) -> None:
        self.update, self.terms, self.iteration = update, terms, iteration
        named = ', '.join(f'{k} = {v}' for k, v in terms.items())
        super().__init__(
            f'non-finite loss at iteration {iteration}, {update} update: '
            f'{named}; training stopped before the update, so the weights '
            'are those after the previous iteration (set '
            "model.nonfinite='skip' to skip such updates instead)"
        )


def check_nonfinite_policy(policy: str) -> str:
    """``policy`` itself, or a ValueError naming the choices."""
    if policy not in NONFINITE_POLICIES:
        raise ValueError(
            f'nonfinite must be one of {NONFINITE_POLICIES}, got {policy!r}'
        )
    return policy


def nonfinite_terms(losses: Dict[str, Tensor]) -> Dict[str, float]:
    """The loss terms (keys with ``loss``) whose value is not finite; the
    total when only the sum overflowed."""
    bad = {
        k: float(v.detach().float().sum())
        for k, v in losses.items()
        if 'loss' in k and not bool(torch.isfinite(v).all())
    }
    return bad or {'sum of the terms': math.inf}


def may_update(
    loss: Tensor, losses: Dict[str, Tensor], update: str, policy: str
) -> bool:
    """Whether ``update`` may use ``loss``: True when it is finite; else
    raise (``'stop'``) or count and warn (``'skip'``)."""
    if bool(torch.isfinite(loss)):
        return True
    hub = MessageHub.get_current_instance()
    iteration = hub.get_info('iter', 0) + 1
    terms = nonfinite_terms(losses)
    if policy == 'stop':
        raise NonFiniteLossError(update, terms, iteration)
    skipped = hub.get_info(SKIPPED_KEY, 0) + 1
    hub.update_info(SKIPPED_KEY, skipped)
    print_log(
        f'iteration {iteration}: skipped the {update} update, non-finite '
        + ', '.join(f'{k} = {v}' for k, v in terms.items())
        + f' ({skipped} updates skipped so far)',
        logger='current',
        level=logging.WARNING,
    )
    return False


def skipped_count() -> Tensor:
    """``nonfinite.skipped``: updates skipped so far in this run."""
    hub = MessageHub.get_current_instance()
    return torch.tensor(float(hub.get_info(SKIPPED_KEY, 0)))


def stopped_message(error: NonFiniteLossError, work_dir: str) -> str:
    """What the train tool says when a run stopped on a non-finite loss:
    the error and the last checkpoint written before it."""
    last = find_latest_checkpoint(work_dir)
    where = (
        f'the last good checkpoint is {last}; resume from it with '
        f'--resume {last}'
        if last and osp.isfile(last)
        else f'no checkpoint was written yet in {work_dir}'
    )
    return f'{error}. Nothing was written after the last update: {where}'
