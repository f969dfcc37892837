"""SyntheticStreetDataset from a config, through mmseg's own pipeline;
under DDP one rank per machine generates it."""

import multiprocessing
import os
import socket
import time
from pathlib import Path

import numpy as np
import pytest
import torch.distributed as dist
from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS

import mmseg_pfr.synthetic  # noqa: F401  (until mmseg_pfr imports it)
from mmseg_pfr.synthetic import cache
from mmseg_pfr.synthetic.domains import generate_sample

PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]


def build(tmp_path, **kwargs):
    cfg = dict(
        type='SyntheticStreetDataset',
        domain='target',
        split='train',
        num_samples=2,
        seed=3,
        img_size=(32, 64),
        cache_dir=str(tmp_path),
        pipeline=PIPELINE,
    )
    return DATASETS.build({**cfg, **kwargs})


def test_samples_reach_the_model_as_generated(tmp_path):
    dataset = build(tmp_path)
    assert len(dataset) == 2
    for i in range(2):
        image, label = generate_sample('target', 'train', i, 3, (32, 64))
        sample = dataset[i]
        # LoadImageFromFile reads BGR; PackSegInputs makes it (C, H, W).
        inputs = sample['inputs'].numpy().transpose(1, 2, 0)
        np.testing.assert_array_equal(inputs, image[..., ::-1])
        np.testing.assert_array_equal(
            sample['data_samples'].gt_sem_seg.data[0].numpy(), label
        )


def test_classes_and_palette_are_mmsegs_cityscapes(tmp_path):
    meta = build(tmp_path, domain='source').metainfo
    assert tuple(meta['classes']) == CityscapesDataset.METAINFO['classes']
    assert list(meta['palette']) == CityscapesDataset.METAINFO['palette']


def test_uda_dataset_pairs_the_domains_on_a_fresh_cache(tmp_path):
    # UDADataset builds lazily and checks the folders before listing them.
    source = dict(
        type='SyntheticStreetDataset',
        domain='source',
        num_samples=3,
        img_size=(32, 64),
        cache_dir=str(tmp_path),
        pipeline=PIPELINE,
    )
    target = dict(source, domain='target', pipeline=[PIPELINE[0], PIPELINE[2]])
    pair = DATASETS.build(
        dict(type='UDADataset', source=source, target=target)
    )
    assert len(pair) == 3
    sample = pair[(2, 1)]
    image, label = generate_sample('source', 'train', 2, 0, (32, 64))
    np.testing.assert_array_equal(
        sample['source']['data_samples'].gt_sem_seg.data[0].numpy(), label
    )
    target_image, _ = generate_sample('target', 'train', 1, 0, (32, 64))
    np.testing.assert_array_equal(
        sample['target']['inputs'].numpy().transpose(1, 2, 0),
        target_image[..., ::-1],
    )


def test_file_layout_arguments_are_refused(tmp_path):
    with pytest.raises(TypeError, match='data_root'):
        build(tmp_path, data_root='/elsewhere')


def build_on_rank(rank: int, port: int, tmp_path) -> None:
    """Rank ``rank`` of two gloo processes builds the dataset and writes
    where it found it."""
    os.environ['LOCAL_RANK'] = str(rank)
    dist.init_process_group(
        'gloo',
        init_method=f'tcp://127.0.0.1:{port}',
        rank=rank,
        world_size=2,
    )
    try:
        root = build(tmp_path / 'cache').data_root
        (tmp_path / f'rank{rank}').write_text(root)
    finally:
        dist.destroy_process_group()


def test_under_ddp_local_rank_0_generates_and_the_others_wait(
    tmp_path, monkeypatch
):
    real_write = cache._write_split

    def slow_recorded_write(folder, spec, workers):
        # Slow enough that a rank not waiting would find no split and
        # generate its own.
        time.sleep(2)
        with open(tmp_path / 'writers', 'a') as f:
            f.write(os.environ['LOCAL_RANK'] + '\n')
        real_write(folder, spec, workers)

    monkeypatch.setattr(cache, '_write_split', slow_recorded_write)
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    ctx = multiprocessing.get_context('fork')
    ranks = [
        ctx.Process(target=build_on_rank, args=(rank, port, tmp_path))
        for rank in (1, 0)  # the waiting rank starts first
    ]
    for process in ranks:
        process.start()
    for process in ranks:
        process.join(timeout=120)
    assert [p.exitcode for p in ranks] == [0, 0]
    assert (tmp_path / 'writers').read_text() == '0\n'
    root = (tmp_path / 'rank0').read_text()
    assert (tmp_path / 'rank1').read_text() == root
    assert len(list(Path(root, 'img').iterdir())) == 2
