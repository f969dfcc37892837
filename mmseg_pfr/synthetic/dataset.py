"""``SyntheticStreetDataset``: a synthetic domain as an mmseg dataset."""

import os
from pathlib import Path
from typing import Optional, Sequence

from mmengine.dist import barrier, is_distributed
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .cache import ensure_split, split_spec
from .classes import METAINFO


@DATASETS.register_module()
class SyntheticStreetDataset(BaseSegDataset):
    """Procedural street scenes in the source (GTA5-like) or target
    (Cityscapes-like) style, with Cityscapes' 19 classes and palette.

    Building the dataset generates its split into the cache (see
    ``cache.py``) unless it is there already, even with ``lazy_init=True``:
    the files exist from then on, as for any dataset on disk, so layout
    checks such as ``UDADataset``'s pass. Under DDP only local rank 0 of
    each machine generates it, while the other ranks wait (every rank must
    build the dataset, as mmengine's runner does). Samples are then read as
    PNG files like any mmseg dataset's: images through
    ``LoadImageFromFile``, train-id labels (255 ignored) through
    ``LoadAnnotations``. Example::

        dict(type='SyntheticStreetDataset', domain='target', split='val',
             pipeline=[dict(type='LoadImageFromFile'),
                       dict(type='LoadAnnotations'),
                       dict(type='PackSegInputs')])

    Args:
        domain: 'source' (GTA5-like) or 'target' (Cityscapes-like).
        split: 'train' or 'val': disjoint scenes.
        num_samples: Number of images; None takes the default set's count
            (400 train, 100 val).
        seed: Dataset seed; the same seed gives byte-identical files.
        img_size: (height, width); None takes the domain's default,
            (144, 256) for source and (128, 256) for target.
        cache_dir: Cache root; None uses ``$MMSEG_PFR_SYNTHETIC_CACHE`` or
            ``~/.cache/mmseg_pfr/synthetic``.
        **kwargs: Passed to ``BaseSegDataset`` (pipeline, test_mode,
            indices, ...); the file layout arguments are fixed.
    """

    METAINFO = METAINFO

    def __init__(
        self,
        domain: str = 'source',
        split: str = 'train',
        num_samples: Optional[int] = None,
        seed: int = 0,
        img_size: Optional[Sequence[int]] = None,
        cache_dir: Optional[str] = None,
        **kwargs,
    ) -> None:
        fixed = {'data_root', 'data_prefix', 'img_suffix', 'seg_map_suffix'}
        if fixed & kwargs.keys():
            raise TypeError(
                f'SyntheticStreetDataset places its own files; do not pass '
                f'{sorted(fixed & kwargs.keys())}'
            )
        size = None if img_size is None else tuple(img_size)
        spec = split_spec(domain, split, num_samples, seed, size)
        super().__init__(
            data_root=str(ensure_split_once_per_node(spec, cache_dir)),
            data_prefix=dict(img_path='img', seg_map_path='ann'),
            img_suffix='.png',
            seg_map_suffix='.png',
            **kwargs,
        )


def ensure_split_once_per_node(spec: dict, cache_dir: Optional[str]) -> Path:
    """:func:`ensure_split` on local rank 0 (``$LOCAL_RANK``, which every
    mmengine launcher sets) while the other ranks wait at a barrier of all
    ranks; they then find the split in the cache and verify it. If rank 0
    fails, the others go on and try themselves, rather than wait forever.
    """
    if not is_distributed():
        return ensure_split(spec, cache_dir)
    if int(os.environ.get('LOCAL_RANK', 0)) == 0:
        try:
            return ensure_split(spec, cache_dir)
        finally:
            barrier()
    barrier()
    return ensure_split(spec, cache_dir)
