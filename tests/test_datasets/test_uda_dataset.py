"""UDADataset: the paired sample format, target draws, domain checks."""

import numpy as np
import pytest
import torch
from helpers import tiny_segmentor_cfg
from mmengine.config import ConfigDict
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS, MODELS
from test_datasets.tiny_configs import uda_dataset_cfg

from mmseg_pfr.datasets import (
    DatasetLayoutError,
    StreamIndex,
    UDAInfiniteSampler,
)

CLASSES = CityscapesDataset.METAINFO['classes']


def build(tmp_path, seed=0, **target_kwargs):
    cfg = uda_dataset_cfg(tmp_path, **target_kwargs)
    return DATASETS.build(dict(cfg, seed=seed))


def test_sample_is_the_two_packed_samples(tmp_path):
    dataset = build(tmp_path)
    assert len(dataset) == len(dataset.source) == 5
    assert len(dataset.target) == 6
    sample = dataset[(1, 4)]
    assert set(sample) == {'source', 'target'}
    for domain, index in (('source', 1), ('target', 4)):
        packed = getattr(dataset, domain)[index]
        assert set(sample[domain]) == {'inputs', 'data_samples'}
        assert sample[domain]['data_samples'].img_path == (
            packed['data_samples'].img_path
        )
        assert sample[domain]['inputs'].equal(packed['inputs'])
    assert 'gt_sem_seg' in sample['source']['data_samples']
    assert 'gt_sem_seg' not in sample['target']['data_samples']


def test_metainfo_is_the_shared_one(tmp_path):
    dataset = build(tmp_path)
    assert dataset.metainfo['classes'] == CLASSES
    assert dataset.metainfo['palette'] == CityscapesDataset.METAINFO['palette']
    dataset.metainfo['classes'] = ()  # a copy: the dataset is unchanged
    assert dataset.metainfo['classes'] == CLASSES


def test_int_index_draws_the_target_from_seed_and_index(tmp_path):
    first, again, other = (build(tmp_path, seed=s) for s in (0, 0, 1))
    draws = [first.target_index(i) for i in range(200)]
    assert draws == [again.target_index(i) for i in range(200)]
    assert draws != [other.target_index(i) for i in range(200)]
    counts = np.bincount(draws, minlength=6)
    assert counts.min() > 15  # every target image comes up, ~uniformly
    sample = first[3]
    target = first.target[draws[3]]
    assert sample['target']['data_samples'].img_path == (
        target['data_samples'].img_path
    )


def test_collated_batch_trains_the_uda_segmentor(tmp_path):
    dataset = build(tmp_path)
    batch = pseudo_collate([dataset[(0, 1)], dataset[(2, 3)]])
    assert set(batch) == {'source', 'target'}
    assert len(batch['source']['inputs']) == 2
    assert len(batch['target']['data_samples']) == 2
    model_cfg = ConfigDict(
        type='UDASegmentor',
        segmentor=tiny_segmentor_cfg(num_classes=19),
        terms=dict(
            adv=dict(
                type='AdversarialTerm',
                discriminator=dict(type='FCDiscriminator', ndf=8),
            ),
            pfr=dict(type='PFRTerm'),
        ),
    )
    model = MODELS.build(model_cfg)
    optim = build_optim_wrapper(
        model,
        dict(
            constructor='UDAOptimWrapperConstructor',
            segmentor=dict(optimizer=dict(type='SGD', lr=1e-3)),
            adv=dict(optimizer=dict(type='Adam', lr=1e-4)),
        ),
    )
    log = model.train_step(batch, optim)
    assert {'decode.loss_ce', 'adv.loss_adv', 'adv.disc.loss_src'} <= set(log)
    assert all(torch.isfinite(v).all() for v in log.values())


def test_classes_must_agree(tmp_path):
    with pytest.raises(ValueError) as info:
        build(tmp_path, metainfo=dict(classes=CLASSES[:9] + CLASSES[10:]))
    assert str(info.value) == (
        'UDADataset: source and target must agree on classes, palette and '
        'ignore index, but the source (GTADataset) has 19 classes and the '
        "target (CityscapesDataset) has 18; only the source has 'terrain'"
    )


def test_class_order_must_agree(tmp_path):
    swapped = ('sidewalk', 'road') + CLASSES[2:]
    with pytest.raises(ValueError) as info:
        build(tmp_path, metainfo=dict(classes=swapped))
    assert str(info.value).endswith(
        "their order differs first at index 0: 'road' vs 'sidewalk'"
    )


def test_palette_and_ignore_index_must_agree(tmp_path):
    palette = [[0, 0, 0]] + CityscapesDataset.METAINFO['palette'][1:]
    with pytest.raises(ValueError) as info:
        build(tmp_path, metainfo=dict(palette=palette), ignore_index=0)
    assert str(info.value) == (
        'UDADataset: source and target must agree on classes, palette and '
        "ignore index, but their palettes differ at class 0 ('road'): the "
        'source (GTADataset) has [128, 64, 128], the target '
        '(CityscapesDataset) has [0, 0, 0]; the source (GTADataset) has '
        'ignore_index 255, the target (CityscapesDataset) has 0'
    )


def test_target_pipeline_loading_labels_is_refused(tmp_path):
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),
        dict(type='PackSegInputs'),
    ]
    with pytest.raises(ValueError) as info:
        build(tmp_path, pipeline=pipeline)
    assert str(info.value) == (
        'UDADataset: the target pipeline loads labels, but target labels '
        'are never used for training (the target domain is unlabelled); '
        'remove LoadAnnotations/LoadTrainIdAnnotations from the target '
        'pipeline'
    )


def test_wrong_target_data_root_names_the_path_and_layout(tmp_path):
    wrong = tmp_path / 'cityscape'
    with pytest.raises(DatasetLayoutError) as info:
        build(tmp_path, data_root=str(wrong))
    assert str(info.value) == (
        f"CityscapesDataset (data_root '{wrong}'): no image folder at "
        f"'{wrong}/leftImg8bit/train' (absolute path "
        f'{wrong}/leftImg8bit/train). Expected the official Cityscapes '
        'layout: leftImg8bit/<split>/<city>/*_leftImg8bit.png and '
        'gtFine/<split>/<city>/*_gtFine_labelTrainIds.png.'
    )


def augmented(pipeline, crop=(16, 16)):
    """``pipeline`` with a random crop (h, w) and flip before packing."""
    return pipeline[:-1] + [
        dict(type='RandomCrop', crop_size=crop),
        dict(type='RandomFlip', prob=0.5),
        pipeline[-1],
    ]


def test_stream_index_draws_augmentations_from_its_position(tmp_path):
    cfg = uda_dataset_cfg(tmp_path)
    for domain in ('source', 'target'):
        cfg[domain]['pipeline'] = augmented(cfg[domain]['pipeline'])
    dataset = DATASETS.build(cfg)
    np.random.seed(0)
    state = np.random.get_state()[1].copy()
    samples = [
        dataset[StreamIndex(source=1, target=2, position=p, seed=0)]
        for p in range(8)
    ]
    # The global generator is where it was: the draws were the position's.
    assert np.array_equal(np.random.get_state()[1], state)
    again = dataset[StreamIndex(source=1, target=2, position=5, seed=0)]
    for domain in ('source', 'target'):
        assert again[domain]['inputs'].equal(samples[5][domain]['inputs'])
        # The same image, cropped and flipped differently by position.
        crops = {s[domain]['inputs'].numpy().tobytes() for s in samples}
        assert len(crops) > 4
    assert again['source']['data_samples'].gt_sem_seg.data.equal(
        samples[5]['source']['data_samples'].gt_sem_seg.data
    )


def test_without_a_target_only_the_source_is_loaded(tmp_path):
    cfg = dict(uda_dataset_cfg(tmp_path), target=None)
    dataset = DATASETS.build(cfg)
    assert dataset.target is None and len(dataset) == 5
    index = StreamIndex(source=3, target=None, position=0, seed=0)
    for sample in (dataset[index], dataset[2], dataset[(4, None)]):
        assert set(sample) == {'source'}
    sampler = UDAInfiniteSampler(dataset, seed=0)
    batch = pseudo_collate([dataset[i] for _, i in zip(range(2), sampler)])
    assert set(batch) == {'source'}
    assert set(batch['source']) == {'inputs', 'data_samples'}
    model = MODELS.build(
        ConfigDict(
            type='UDASegmentor',
            segmentor=tiny_segmentor_cfg(num_classes=19),
        )
    )
    optim = build_optim_wrapper(
        model,
        dict(
            constructor='UDAOptimWrapperConstructor',
            segmentor=dict(optimizer=dict(type='SGD', lr=1e-3)),
        ),
    )
    log = model.train_step(batch, optim)
    assert torch.isfinite(log['loss'])
