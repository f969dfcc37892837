"""Layout checks of datasets that are not ours (mmseg's Cityscapes)."""

import pytest
from mmseg.registry import DATASETS
from test_datasets.dataset_layouts import (
    GTA_IDS,
    id_pattern,
    make_cityscapes,
    write_colour_label,
)

from mmseg_pfr.datasets import DatasetLayoutError
from mmseg_pfr.datasets.layout import (
    build_checked_dataset,
    check_built_dataset,
)

VAL = dict(
    type='CityscapesDataset',
    data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),
        dict(type='PackSegInputs'),
    ],
    serialize_data=False,
)


def test_unconverted_validation_labels_fail_before_training(tmp_path):
    make_cityscapes(tmp_path, train_ids=False)
    # mmseg builds it without complaint; its labels would first be read at
    # the first validation, hours into training.
    dataset = DATASETS.build(dict(VAL, data_root=str(tmp_path)))
    with pytest.raises(DatasetLayoutError) as info:
        check_built_dataset(dataset)
    gt = tmp_path / 'gtFine/val/frankfurt'
    assert str(info.value) == (
        f"CityscapesDataset (data_root '{tmp_path}'): 2 of 2 images have no "
        f'label file: {gt}/frankfurt_000000_000019_gtFine_labelTrainIds.png, '
        f'{gt}/frankfurt_000001_000019_gtFine_labelTrainIds.png. Run `python '
        f'tools/dataset_converters/cityscapes.py {tmp_path}` to write them.'
    )


def test_converted_validation_set_passes(tmp_path):
    make_cityscapes(tmp_path)
    dataset = build_checked_dataset(dict(VAL, data_root=str(tmp_path)))
    assert len(dataset) == 2


def test_missing_label_folder_of_a_labelled_dataset(tmp_path):
    make_cityscapes(tmp_path, splits={'train': ('aachen',)})
    with pytest.raises(DatasetLayoutError) as info:
        build_checked_dataset(dict(VAL, data_root=str(tmp_path)))
    assert str(info.value).startswith(
        f"CityscapesDataset (data_root '{tmp_path}'): no image folder at "
        f"'{tmp_path}/leftImg8bit/val'"
    )
    (tmp_path / 'leftImg8bit/val').mkdir()
    with pytest.raises(
        DatasetLayoutError, match="no label folder at '.*/val'"
    ):
        build_checked_dataset(dict(VAL, data_root=str(tmp_path)))


def test_validation_labels_of_the_wrong_kind_fail_before_training(tmp_path):
    make_cityscapes(tmp_path)
    gt = tmp_path / 'gtFine/val/frankfurt'
    first = gt / 'frankfurt_000000_000019_gtFine_labelTrainIds.png'
    write_colour_label(first, id_pattern(GTA_IDS))
    dataset = DATASETS.build(dict(VAL, data_root=str(tmp_path)))
    with pytest.raises(DatasetLayoutError) as info:
        check_built_dataset(dataset)
    assert str(info.value) == (
        f"CityscapesDataset (data_root '{tmp_path}'): its first label is "
        f'unusable: {first}: colour label: an RGB image; expected train ids '
        '0-18 and 255 (ignore) in a single-channel or palette PNG, not a '
        'colour rendering. Expected the official Cityscapes layout: '
        'leftImg8bit/<split>/<city>/*_leftImg8bit.png and '
        'gtFine/<split>/<city>/*_gtFine_labelTrainIds.png.'
    )
