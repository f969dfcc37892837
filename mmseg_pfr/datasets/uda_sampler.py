"""The infinite sampler of source/target index pairs, and each sample's
randomness drawn from its place in the stream."""

import itertools
import random
from contextlib import contextmanager
from typing import Iterator, NamedTuple, Optional

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from mmseg.registry import DATA_SAMPLERS
from torch.utils.data import Sampler

from .rare_class_sampling import draw_generator

# Entropy tags of the seeded streams: the source and target orders, and
# each domain's per-sample augmentation draws.
_ORDER_TAGS = dict(source=0, target=1)
_AUGMENTATION_TAGS = dict(source=2, target=3)


class StreamIndex(NamedTuple):
    """One element of the pair stream: what the sampler hands the dataset.

    ``position`` counts pairs over all ranks from the start of training, so
    ``(seed, position)`` names a sample uniquely and the same in a resumed
    run, whatever the number of ranks, workers or resumptions.
    ``rare_class`` is the class rare-class sampling drew ``source`` for
    (None without it), which the dataset's crop keeps in view.
    """

    source: int
    target: Optional[int]  # None: the dataset loads no target
    position: int
    seed: int
    rare_class: Optional[int] = None


@DATA_SAMPLERS.register_module()
class UDAInfiniteSampler(Sampler):
    """Endless :class:`StreamIndex` pairs for a UDADataset.

    Source and target indices come from two independent infinite streams,
    each a sequence of seeded permutations of its dataset (every sample once
    per pass, as with mmengine's ``InfiniteSampler``). Zipping them pairs
    each source image with a different target image on every pass, even
    when the datasets have the same length. The pair stream depends only on
    the seed and the two lengths: it is computed in the main process, so the
    number of data loader workers does not change it. Like
    ``InfiniteSampler``, rank ``r`` of ``w`` takes pairs ``r, r + w,
    r + 2w, ...`` of the one stream. A dataset without a target
    (``UDADataset(target=None)``) gets ``target=None`` pairs.

    With rare-class sampling on (the dataset's ``rare_class_sampler``),
    the source of the pair at position ``p`` is not taken from a
    permutation but drawn by it, class then image, from a generator seeded
    by ``(seed, p)`` alone
    (:func:`~mmseg_pfr.datasets.rare_class_sampling.draw_generator`); the
    target stream is unchanged. So every property above holds for the
    drawn sources too.

    Resuming does not replay the stream: :meth:`resume` moves the start of
    the next iteration over it to where the interrupted run stopped
    (:class:`~mmseg_pfr.engine.runner.NoReplayIterBasedTrainLoop` calls
    it), and each element carries its stream position, from which the
    dataset seeds the sample's random augmentations
    (:func:`sample_randomness`).

    Args:
        dataset: A :class:`~mmseg_pfr.datasets.UDADataset` (anything with a
            sized ``source`` and a sized or None ``target``).
        shuffle: Shuffle each pass; otherwise both go in order.
        seed: Seed of both streams and of the samples' augmentations, the
            same on every rank; the runner passes its own. None draws one
            and shares it across ranks.
    """

    def __init__(
        self, dataset, shuffle: bool = True, seed: Optional[int] = None
    ) -> None:
        if not (hasattr(dataset, 'source') and hasattr(dataset, 'target')):
            raise TypeError(
                'UDAInfiniteSampler pairs the source and target of a '
                f'UDADataset, got a {type(dataset).__name__}'
            )
        self.rank, self.world_size = get_dist_info()
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.source_size = len(dataset.source)
        self.target_size = (
            None if dataset.target is None else len(dataset.target)
        )
        self.rare_classes = getattr(dataset, 'rare_class_sampler', None)
        self.start = 0  # pairs of this rank's share already consumed

    def resume(self, consumed: int, seed: Optional[int] = None) -> None:
        """Start every later iteration after the first ``consumed`` pairs
        of this rank's share, without drawing them again.

        Args:
            consumed: Pairs this rank took before (iterations times the
                batch size).
            seed: The resumed run's seed (mmengine's resume restores the
                checkpoint's); None keeps the sampler's.
        """
        self.start = consumed
        if seed is not None:
            self.seed = seed

    def _passes(self, size: int, domain: str, skip: int) -> Iterator[int]:
        """Endless passes over ``range(size)``, one domain's order, from
        stream position ``skip``."""
        rng = np.random.default_rng([self.seed, _ORDER_TAGS[domain]])
        for _ in range(skip // size):  # the skipped passes' draws only
            if self.shuffle:
                rng.permutation(size)
        offset = skip % size
        while True:
            order = rng.permutation(size) if self.shuffle else range(size)
            yield from map(int, order[offset:])
            offset = 0

    def __iter__(self) -> Iterator[StreamIndex]:
        """This rank's share of the pair stream, from :attr:`start`."""
        first = self.start * self.world_size
        sources = (
            itertools.repeat(None)  # drawn per position below
            if self.rare_classes is not None
            else self._passes(self.source_size, 'source', first)
        )
        targets = (
            itertools.repeat(None)
            if self.target_size is None
            else self._passes(self.target_size, 'target', first)
        )
        pairs = zip(sources, targets, itertools.count(first))
        for source, target, position in itertools.islice(
            pairs, self.rank, None, self.world_size
        ):
            rare_class = None
            if self.rare_classes is not None:
                rare_class, source = self.rare_classes.draw(
                    draw_generator(self.seed, position)
                )
            yield StreamIndex(source, target, position, self.seed, rare_class)

    def __len__(self) -> int:
        """The source dataset's length, like ``InfiniteSampler``."""
        return self.source_size

    def set_epoch(self, epoch: int) -> None:
        """No epochs in an endless stream (the runner calls it anyway)."""


@contextmanager
def sample_randomness(index: StreamIndex, domain: str) -> Iterator[None]:
    """Seed numpy's and Python's global generators, which mmcv's and mmseg's
    random transforms draw from, for one domain's sample of the stream.

    The draws then depend on ``(seed, position, domain)`` only, not on the
    worker or on how many samples it prepared before; the generators' state
    is restored afterwards. torch's generator is not seeded (mmseg's
    transforms do not draw from it).
    """
    entropy = np.random.SeedSequence(
        [index.seed, _AUGMENTATION_TAGS[domain], index.position]
    )
    numpy_state, python_state = np.random.get_state(), random.getstate()
    np.random.seed(entropy.generate_state(4))
    random.seed(int(entropy.generate_state(1, np.uint64)[0]))
    try:
        yield
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
