"""UDADataset with rare-class sampling: what it loads for each kind of
index, the drawn class kept in the crop, and what it refuses."""

import numpy as np
import pytest
from mmseg.registry import DATASETS
from test_datasets.rare_class_data import (
    MIN_PIXELS,
    PERSON,
    RARE_BLOCKS,
    TRAIN,
    rare_class_uda_cfg,
)
from test_datasets.tiny_configs import uda_dataset_cfg

from mmseg_pfr.datasets import StreamIndex, UDAInfiniteSampler
from mmseg_pfr.datasets.class_stats import ClassStatsError
from mmseg_pfr.datasets.rare_class_sampling import draw_generator


def build(tmp_path, **options):
    return DATASETS.build(rare_class_uda_cfg(tmp_path, **options))


def class_pixels(sample: dict, cls: int) -> int:
    seg = sample['source']['data_samples'].gt_sem_seg.data
    return int((seg == cls).sum())


def image_index(dataset, sample: dict) -> int:
    path = sample['source']['data_samples'].img_path
    names = [
        dataset.source.get_data_info(i)['img_path']
        for i in range(len(dataset.source))
    ]
    return names.index(path)


def test_builds_the_sampler_from_the_class_statistics(tmp_path):
    dataset = build(tmp_path)
    sampler = dataset.rare_class_sampler
    assert (sampler.min_pixels, sampler.class_temp) == (MIN_PIXELS, 0.01)
    assert sampler.min_crop_pixels == MIN_PIXELS * 0.5
    assert sampler.classes.tolist() == [0, 1, PERSON[1], TRAIN[1]]
    blocks = {
        cls: [k for k, (_, c) in RARE_BLOCKS.items() if c == cls]
        for cls in (PERSON[1], TRAIN[1])
    }
    for cls, images in blocks.items():
        assert sampler.images_of(cls).tolist() == images
    assert len(sampler.images_of(0)) == len(dataset.source) == 6


def test_stream_samples_are_the_sampled_images_with_their_class(tmp_path):
    dataset = build(tmp_path)
    stream = UDAInfiniteSampler(dataset, seed=4)
    kept = []
    for index, _ in zip(stream, range(60)):
        sample = dataset[index]
        assert image_index(dataset, sample) == index.source
        assert index.source in dataset.rare_class_sampler.images_of(
            index.rare_class
        )
        kept.append(class_pixels(sample, index.rare_class) > 10)
        # Its augmentations are its position's: loading it again gives
        # the same crop.
        again = dataset[index]
        assert again['source']['inputs'].equal(sample['source']['inputs'])
    # The crop keeps the class in view: a single 16x16 crop of a 6x6 block
    # holds more than 10 of its pixels far less often.
    assert np.mean(kept) > 0.8  # 0.94 over 200 draws; 0.37 without


def test_the_crop_check_is_what_keeps_the_class(tmp_path):
    dataset = build(tmp_path, min_crop_ratio=0)
    stream = UDAInfiniteSampler(dataset, seed=4)
    rare = [
        class_pixels(dataset[index], index.rare_class) > 10
        for index, _ in zip(stream, range(60))
        if index.rare_class in (PERSON[1], TRAIN[1])
    ]
    assert np.mean(rare) < 0.6


def test_int_index_draws_from_seed_and_index(tmp_path):
    first = build(tmp_path)
    other = DATASETS.build(dict(rare_class_uda_cfg(tmp_path), seed=1))
    for i in range(8):
        cls, source = first.rare_class_sampler.draw(draw_generator(0, i))
        assert image_index(first, first[i]) == source
        assert source in first.rare_class_sampler.images_of(cls)
    draws = [image_index(first, first[i]) for i in range(20)]
    assert draws == [image_index(first, first[i]) for i in range(20)]
    assert draws != [image_index(other, other[i]) for i in range(20)]


def test_a_pair_is_loaded_as_given(tmp_path):
    dataset = build(tmp_path)
    np.random.seed(0)
    sample = dataset[(5, 1)]
    assert image_index(dataset, sample) == 5  # no class drawn for it


def test_unusable_label_takes_another_image_of_the_class(tmp_path):
    dataset = build(tmp_path)
    person = dataset.rare_class_sampler.images_of(PERSON[1]).tolist()
    (tmp_path / 'gta' / 'labels' / f'{person[0] + 1:05d}.png').write_bytes(
        b'not a png'
    )
    index = StreamIndex(person[0], 0, position=3, seed=0, rare_class=11)
    with pytest.warns(UserWarning, match='not an image file'):
        sample = dataset[index]
    assert image_index(dataset, sample) in person[1:]


def test_missing_statistics_stop_the_build(tmp_path):
    cfg = rare_class_uda_cfg(tmp_path)
    (tmp_path / 'gta' / 'class_stats.json').unlink()
    with pytest.raises(ClassStatsError) as info:
        DATASETS.build(cfg)
    assert str(info.value).endswith(
        'class_stats.json, which do not exist. Run `python '
        f'tools/dataset_converters/gta.py {tmp_path}/gta` to write them.'
    )


def test_a_pipeline_without_the_crop_is_refused(tmp_path):
    cfg = uda_dataset_cfg(tmp_path)
    rare_class_uda_cfg(tmp_path / 'rare')  # writes their statistics
    cfg['source']['data_root'] = str(tmp_path / 'rare' / 'gta')
    cfg['source']['pipeline'] = cfg['source']['pipeline'][:-1] + [
        dict(type='RandomCrop', crop_size=(16, 16)),
        cfg['source']['pipeline'][-1],
    ]
    cfg['rare_class_sampling'] = dict(min_pixels=MIN_PIXELS)
    with pytest.raises(ValueError) as info:
        DATASETS.build(cfg)
    assert str(info.value) == (
        'UDADataset: rare_class_sampling.min_crop_ratio=0.5 re-draws the '
        'source crop until the drawn class covers enough of it, which '
        'RareClassRandomCrop does; the source pipeline has RandomCrop. Use '
        "dict(type='RareClassRandomCrop', crop_size=..., ...) in the source "
        "pipeline (RandomCrop's arguments; without rare-class sampling it is "
        'RandomCrop), or set rare_class_sampling.min_crop_ratio=0'
    )
    # Without the crop check any pipeline will do.
    cfg['rare_class_sampling']['min_crop_ratio'] = 0
    assert DATASETS.build(cfg).rare_class_sampler.min_crop_ratio == 0


def test_off_by_default(tmp_path):
    dataset = DATASETS.build(uda_dataset_cfg(tmp_path))
    assert dataset.rare_class_sampler is None
    assert UDAInfiniteSampler(dataset, seed=0).rare_classes is None
