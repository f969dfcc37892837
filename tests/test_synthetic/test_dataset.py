"""SyntheticStreetDataset from a config, through mmseg's own pipeline."""

import numpy as np
import pytest
from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS

import mmseg_pfr.synthetic  # noqa: F401  (until mmseg_pfr imports it)
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
