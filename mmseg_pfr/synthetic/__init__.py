"""An embedded synthetic two-domain benchmark (GTA5 -> Cityscapes in
miniature): procedural street scenes with Cityscapes' 19 classes, rendered
in a game-like source style and a camera-like target style.

See docs/synthetic_benchmark.md for what the domains are and why.
"""

from .cache import (
    DEFAULT_COUNTS,
    cache_root,
    ensure_split,
    generator_version,
    split_spec,
)
from .classes import METAINFO, TrainId
from .dataset import SyntheticStreetDataset
from .domains import DOMAINS, generate_sample
from .per_image_metric import PerImageIoUMetric

__all__ = [
    'DEFAULT_COUNTS',
    'DOMAINS',
    'METAINFO',
    'PerImageIoUMetric',
    'SyntheticStreetDataset',
    'TrainId',
    'cache_root',
    'ensure_split',
    'generate_sample',
    'generator_version',
    'split_spec',
]
