"""An ``IterBasedTrainLoop`` that resumes without replaying the data.

mmengine's loop resumes at iteration N by drawing N batches from the data
loader and throwing them away (``IterBasedTrainLoop.run``): at 100k
iterations of GTA5 -> Cityscapes, 100k image pairs decoded, about an hour
with 4 workers. A sampler that can start anywhere in its stream makes the
replay unnecessary: ``UDAInfiniteSampler``'s pairs, and the augmentations
``UDADataset`` draws for them, depend only on the seed and the position in
the stream. This loop moves the sampler to where the interrupted run
stopped and answers mmengine's replay with nothing.

mmengine's loop also starts iterating the loader when it is built, before
the runner resumes: with workers, they would start prefetching the stream's
first batches, which a resumed run skips. This loop builds it without
workers (an iterator that loads nothing until asked) and makes the real
iterator when training starts.
"""

import logging
from contextlib import contextmanager
from typing import Iterator, Optional, Sequence, Union

import torch
from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop

# Restarts a finite sampler's loader, as mmengine's own loop does.
from mmengine.runner.loops import _InfiniteDataloaderIterator
from mmseg.registry import LOOPS
from torch.utils.data import DataLoader


@LOOPS.register_module()
class NoReplayIterBasedTrainLoop(IterBasedTrainLoop):
    """mmengine's ``IterBasedTrainLoop``, resumed by moving the sampler.

    With a sampler that has ``resume(consumed, seed)``
    (:class:`~mmseg_pfr.datasets.UDAInfiniteSampler`), resuming at
    iteration N loads no sample of the first N iterations, and the batches
    trained on are those of the uninterrupted run; the time to the first
    trained iteration does not grow with N. With any other sampler it
    replays the loader as mmengine's loop does. The arguments are
    ``IterBasedTrainLoop``'s.
    """

    def __init__(
        self, runner, dataloader: Union[DataLoader, dict], *args, **kwargs
    ) -> None:
        if isinstance(dataloader, dict):
            # As mmengine's BaseLoop builds it.
            dataloader = runner.build_dataloader(
                dataloader,
                seed=runner.seed,
                diff_rank_seed=self._diff_rank_seed(runner),
            )
        with no_workers(dataloader):
            super().__init__(runner, dataloader, *args, **kwargs)

    def run(self) -> torch.nn.Module:
        """Train from the resumed iteration on (see the class docstring)."""
        self.dataloader_iterator = self._batches()
        return super().run()

    def _batches(self) -> Iterator[Optional[Sequence[dict]]]:
        """What ``IterBasedTrainLoop.run`` draws from: its replay of the
        ``self._iter`` trained iterations, then the batches to train on."""
        batch_sampler = self.dataloader.batch_sampler
        sampler = getattr(batch_sampler, 'sampler', None)
        skip = 0
        if self._iter > 0 and hasattr(sampler, 'resume'):
            skip = self._iter
            sampler.resume(skip * batch_sampler.batch_size, self._seed())
        # Each iterator takes one draw from torch's generator; the loop's
        # constructor took it already, so the sequence stays mmengine's.
        state = torch.get_rng_state()
        batches = _InfiniteDataloaderIterator(self.dataloader)
        torch.set_rng_state(state)
        return SkippedBatches(skip, batches, type(sampler).__name__)

    def _seed(self) -> Optional[int]:
        """The seed the resumed run's sampler takes: the runner's, which
        resuming set to the checkpoint's, unless each rank has its own."""
        return None if self._diff_rank_seed(self.runner) else self.runner.seed

    @staticmethod
    def _diff_rank_seed(runner) -> bool:
        return runner._randomness_cfg.get('diff_rank_seed', False)


class SkippedBatches:
    """``None`` for each of the first ``skip`` draws (mmengine's replay of
    the trained iterations: nothing is loaded), then ``batches``."""

    def __init__(
        self, skip: int, batches: Iterator[Sequence[dict]], sampler: str
    ) -> None:
        self.skip, self.batches, self.sampler = skip, batches, sampler
        self.remaining = skip

    def __iter__(self) -> 'SkippedBatches':
        return self

    def __next__(self) -> Optional[Sequence[dict]]:
        if not self.remaining:
            return next(self.batches)
        self.remaining -= 1
        if not self.remaining:
            print_log(
                f'The {self.skip} iterations already trained were skipped '
                f'without loading any data: {self.sampler} goes on from '
                'where the interrupted run stopped.',
                logger='current',
                level=logging.INFO,
            )
        return None


@contextmanager
def no_workers(loader: DataLoader) -> Iterator[None]:
    """Iterators of ``loader`` made meanwhile start no worker and load
    nothing until drawn from (a loader without workers prefetches
    nothing)."""
    workers = loader.num_workers
    loader.num_workers = 0
    try:
        yield
    finally:
        loader.num_workers = workers
