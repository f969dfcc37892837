"""Named random streams, reproducible per training iteration.

A random choice inside a training step (a ClassMix mask, a MIC block mask,
HRDA's detail crop) draws from a generator seeded by the run's seed, the
runner's iteration, the rank and the stream's name: a resumed run draws
the same, and one stream's draws do not depend on which others run.
"""

import zlib

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.logging import MessageHub


def current_iteration() -> int:
    """The runner's 0-based iteration (0 outside a runner)."""
    return MessageHub.get_current_instance().get_info('iter', 0)


def stream_generator(stream: str) -> torch.Generator:
    """A CPU generator seeded by (run seed, iteration, rank, ``stream``)."""
    key = [
        torch.initial_seed(),
        current_iteration(),
        get_rank(),
        zlib.crc32(stream.encode()),
    ]
    seed = int(np.random.SeedSequence(key).generate_state(1)[0])
    return torch.Generator().manual_seed(seed)
