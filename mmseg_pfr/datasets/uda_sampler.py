"""The infinite sampler of source/target index pairs."""

import itertools
from typing import Iterator, Optional, Tuple

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from mmseg.registry import DATA_SAMPLERS
from torch.utils.data import Sampler


@DATA_SAMPLERS.register_module()
class UDAInfiniteSampler(Sampler):
    """Endless ``(source index, target index)`` pairs for a UDADataset.

    Source and target indices come from two independent infinite streams,
    each a sequence of seeded permutations of its dataset (every sample once
    per pass, as with mmengine's ``InfiniteSampler``). Zipping them pairs
    each source image with a different target image on every pass, even
    when the datasets have the same length. The pair stream depends only on
    the seed and the two lengths: it is computed in the main process, so the
    number of data loader workers does not change it, and mmengine's resume
    (which replays the data loader up to the resumed iteration) sees exactly
    the pairs of the uninterrupted run. Like ``InfiniteSampler``, rank ``r``
    of ``w`` takes pairs ``r, r + w, r + 2w, ...`` of the one stream.

    Args:
        dataset: A :class:`~mmseg_pfr.datasets.UDADataset` (anything with
            sized ``source`` and ``target``).
        shuffle: Shuffle each pass; otherwise both go in order.
        seed: Seed of both streams, the same on every rank; the runner
            passes its own. None draws one and shares it across ranks.
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
        self.target_size = len(dataset.target)

    def _passes(self, size: int, stream: int) -> Iterator[int]:
        """Endless passes over ``range(size)``, stream 0 or 1."""
        rng = np.random.default_rng([self.seed, stream])
        while True:
            order = rng.permutation(size) if self.shuffle else range(size)
            yield from map(int, order)

    def __iter__(self) -> Iterator[Tuple[int, int]]:
        """This rank's share of the pair stream, from its start."""
        pairs = zip(
            self._passes(self.source_size, 0),
            self._passes(self.target_size, 1),
        )
        yield from itertools.islice(pairs, self.rank, None, self.world_size)

    def __len__(self) -> int:
        """The source dataset's length, like ``InfiniteSampler``."""
        return self.source_size

    def set_epoch(self, epoch: int) -> None:
        """No epochs in an endless stream (the runner calls it anyway)."""
