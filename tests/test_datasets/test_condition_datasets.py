"""ACDCDataset and DarkZurichConditionDataset: exactly the official files of
a split and its conditions, each sample tagged with its condition, and one
clear message for each layout mistake."""

from pathlib import Path

import pytest
from mmseg.registry import DATASETS
from test_datasets.adverse_layouts import (
    ACDC_EXPECTED,
    files,
    make_acdc,
    make_dark_zurich,
)
from test_datasets.dataset_layouts import (
    GTA_IDS,
    id_pattern,
    write_colour_label,
)

from mmseg_pfr.datasets import DatasetLayoutError
from mmseg_pfr.datasets.layout import build_checked_dataset

IMAGES = [dict(type='LoadImageFromFile'), dict(type='PackSegInputs')]
META_KEYS = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'condition')
LABELLED = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs', meta_keys=META_KEYS),
]


def acdc(root: Path, pipeline=IMAGES, **kwargs):
    return DATASETS.build(
        dict(type='ACDCDataset', data_root=str(root), pipeline=pipeline,
             **kwargs)
    )  # fmt: skip


def dark_zurich(root: Path, pipeline=IMAGES, **kwargs):
    return DATASETS.build(
        dict(type='DarkZurichConditionDataset', data_root=str(root),
             pipeline=pipeline, **kwargs)
    )  # fmt: skip


def infos(dataset) -> list:
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def label_of(image: str) -> str:
    """The official label path of an image path (documented layouts)."""
    return image.replace('/rgb_anon/', '/gt/').replace(
        '_rgb_anon.png', '_gt_labelTrainIds.png'
    )


@pytest.mark.parametrize('split', ['train', 'val', 'test'])
def test_acdc_reads_every_condition_of_a_split(tmp_path, split):
    make_acdc(tmp_path)
    pipeline = IMAGES if split == 'test' else LABELLED
    dataset = build_checked_dataset(
        dict(type='ACDCDataset', data_root=str(tmp_path), split=split,
             pipeline=pipeline)
    )  # fmt: skip
    expected = files(tmp_path, f'rgb_anon/*/{split}/*/*_rgb_anon.png')
    assert len(expected) == (4 if split == 'test' else 8)
    listed = infos(dataset)
    assert [info['img_path'] for info in listed] == expected
    assert [info['condition'] for info in listed] == [
        Path(path).parts[-4] for path in expected
    ]
    if split == 'test':  # withheld for the test server
        assert not any('seg_map_path' in info for info in listed)
    else:
        assert [info['seg_map_path'] for info in listed] == [
            label_of(path) for path in expected
        ]


def test_acdc_reads_the_conditions_asked_for(tmp_path):
    make_acdc(tmp_path)
    dataset = acdc(tmp_path, split='val', conditions=('snow', 'night'))
    assert [info['img_path'] for info in infos(dataset)] == sorted(
        files(tmp_path, 'rgb_anon/night/val/*/*_rgb_anon.png')
        + files(tmp_path, 'rgb_anon/snow/val/*/*_rgb_anon.png')
    )
    assert {info['condition'] for info in infos(dataset)} == {'night', 'snow'}
    assert dataset.metainfo['conditions'] == ('snow', 'night')


@pytest.mark.parametrize(
    'split, conditions, count, labelled',
    [
        ('train', ('night',), 3, False),
        ('train', None, 7, False),
        ('val', None, 2, True),
        ('test', ('night',), 1, False),
    ],
)
def test_dark_zurich_reads_a_split_and_its_conditions(
    tmp_path, split, conditions, count, labelled
):
    make_dark_zurich(tmp_path)
    dataset = dark_zurich(tmp_path, split=split, conditions=conditions)
    listed = infos(dataset)
    pattern = f'rgb_anon/{split}/{"night" if conditions else "*"}/*/*.png'
    assert [info['img_path'] for info in listed] == files(tmp_path, pattern)
    assert len(listed) == count
    if conditions:
        assert {info['condition'] for info in listed} == set(conditions)
    assert [info.get('seg_map_path') for info in listed] == [
        label_of(info['img_path']) if labelled else None for info in listed
    ]


def test_a_sample_carries_its_condition_and_official_path(tmp_path):
    make_dark_zurich(tmp_path)
    sample = dark_zurich(tmp_path, split='val', pipeline=LABELLED)[0]
    meta = sample['data_samples']
    assert meta.condition == 'night'
    assert meta.img_path == str(
        tmp_path / 'rgb_anon/val/night/GOPR0356/GOPR0356_frame_000001_'
        'rgb_anon.png'
    )
    assert meta.gt_sem_seg.data.shape == (1, 16, 24)


def test_unknown_split_or_condition_is_refused():
    with pytest.raises(ValueError) as info:
        DATASETS.build(dict(type='ACDCDataset', split='trainval'))
    assert str(info.value) == (
        "ACDCDataset: split must be one of 'train', 'val', 'test', got "
        "'trainval'"
    )
    with pytest.raises(ValueError) as info:
        DATASETS.build(
            dict(type='DarkZurichConditionDataset', split='val',
                 conditions=('night', 'day'))
        )  # fmt: skip
    assert str(info.value) == (
        'DarkZurichConditionDataset: the val split has the conditions '
        "'night'; got 'night', 'day'"
    )


def layout_error(cfg: dict) -> str:
    with pytest.raises(DatasetLayoutError) as info:
        build_checked_dataset(cfg)
    return str(info.value)


def test_wrong_root(tmp_path):
    root = tmp_path / 'ACDC'
    message = layout_error(
        dict(type='ACDCDataset', data_root=str(root), pipeline=IMAGES)
    )
    assert message == (
        f"ACDCDataset (data_root '{root}'): no image folder at "
        f"'{root}/rgb_anon' (absolute path {root}/rgb_anon). {ACDC_EXPECTED}."
    )


def test_conditions_without_images_are_one_message(tmp_path):
    make_acdc(tmp_path, conditions=('fog', 'night'))
    (tmp_path / 'rgb_anon/rain/val').mkdir(parents=True)  # empty
    message = layout_error(
        dict(type='ACDCDataset', data_root=str(tmp_path), split='val',
             pipeline=IMAGES)
    )  # fmt: skip
    images = tmp_path / 'rgb_anon'
    assert message == (
        f"ACDCDataset (data_root '{tmp_path}'): no val images of 'rain', "
        "'snow': nothing ending in '_rgb_anon.png' below "
        f"'{images}/rain/val', '{images}/snow/val'. "
        f'{ACDC_EXPECTED}; conditions=(...) reads fewer conditions.'
    )


def test_labels_loaded_where_there_are_none(tmp_path):
    make_dark_zurich(tmp_path)
    message = layout_error(
        dict(type='DarkZurichConditionDataset', data_root=str(tmp_path),
             split='train', conditions=('night',), pipeline=LABELLED)
    )  # fmt: skip
    assert message == (
        f"DarkZurichConditionDataset (data_root '{tmp_path}'): the pipeline "
        "loads labels, but the train images of 'night' have none "
        "(labelled: val: 'night'). Remove LoadAnnotations from the "
        'pipeline, or read a labelled split.'
    )


def val_cfg(root: Path) -> dict:
    return dict(
        type='ACDCDataset', data_root=str(root), split='val',
        conditions=('fog',), pipeline=LABELLED,
    )  # fmt: skip


def test_images_without_labels(tmp_path):
    # Labels as a copy without the train-id files leaves them: label ids
    # only (unconverted), which the dataset does not read.
    make_acdc(tmp_path, conditions=('fog',))
    for path in (tmp_path / 'gt/fog/val').rglob('*_labelTrainIds.png'):
        path.unlink()
    gt = tmp_path / 'gt/fog/val/GOPR0475'
    assert len(list(gt.glob('*_gt_labelIds.png'))) == 2
    assert layout_error(val_cfg(tmp_path)) == (
        f"ACDCDataset (data_root '{tmp_path}'): 2 of 2 images have no label "
        f'file: {gt}/GOPR0475_frame_000100_gt_labelTrainIds.png, '
        f'{gt}/GOPR0475_frame_000101_gt_labelTrainIds.png. ACDCDataset '
        'reads the *_gt_labelTrainIds.png of gt_trainval.zip '
        '(https://acdc.vision.ee.ethz.ch/download), which come beside its '
        '*_gt_labelIds.png (Cityscapes label ids, not read): unpack it into '
        f"'{tmp_path}'."
    )


def test_labels_without_images(tmp_path):
    make_acdc(tmp_path, conditions=('fog',))
    images = tmp_path / 'rgb_anon/fog/val/GOPR0475'
    (images / 'GOPR0475_frame_000101_rgb_anon.png').unlink()
    gt = tmp_path / 'gt/fog/val/GOPR0475'
    assert layout_error(val_cfg(tmp_path)) == (
        f"ACDCDataset (data_root '{tmp_path}'): 1 label files have no "
        f'image: {gt}/GOPR0475_frame_000101_gt_labelTrainIds.png. Without '
        'their images the evaluation leaves them out and its scores are '
        f"not the split's. {ACDC_EXPECTED}."
    )
    # Unlabelled use (the UDA target) does not look at labels.
    assert len(
        build_checked_dataset({**val_cfg(tmp_path), 'pipeline': IMAGES})
    )


def test_a_wrong_kind_of_first_label_fails_at_build(tmp_path):
    make_acdc(tmp_path, conditions=('fog',))
    gt = tmp_path / 'gt/fog/val/GOPR0475'
    first = gt / 'GOPR0475_frame_000100_gt_labelTrainIds.png'
    write_colour_label(first, id_pattern(GTA_IDS))
    assert layout_error(val_cfg(tmp_path)).startswith(
        f"ACDCDataset (data_root '{tmp_path}'): its first label is unusable: "
        f'{first}: colour label'
    )
