"""GTADataset on the official layout, with GTA5's defects."""

import warnings

import numpy as np
import pytest
from test_datasets.dataset_layouts import (
    DOCUMENTED_CITYSCAPES,
    GTA_IDS,
    SIZE,
    add_gta_defects,
    id_pattern,
    make_gta,
    reference_train_ids,
    write_colour_label,
    write_garbage,
    write_image,
    write_palette_label,
)
from test_datasets.tiny_configs import build_source_dataset

from mmseg_pfr.datasets import (
    DatasetLayoutError,
    LabelFileWarning,
    LabelSizeWarning,
)
from mmseg_pfr.datasets.conversion import convert_paired_dataset
from mmseg_pfr.datasets.gta import GTADataset


def build(root, **kwargs):
    return build_source_dataset('GTADataset', root, **kwargs)


def label_of(sample) -> np.ndarray:
    return sample['data_samples'].gt_sem_seg.data[0].numpy()


def test_ids_are_mapped_to_train_ids_at_load_time(tmp_path):
    dataset = build(make_gta(tmp_path, n=3))
    assert len(dataset) == 3
    assert dataset.metainfo['classes'][18] == 'bicycle'
    for k in range(3):
        sample = dataset[k]
        assert sample['inputs'].shape == (3, SIZE[1], SIZE[0])
        np.testing.assert_array_equal(
            label_of(sample),
            reference_train_ids(
                id_pattern(GTA_IDS, SIZE, k + 1), DOCUMENTED_CITYSCAPES
            ),
        )


def test_converter_output_is_read_with_train_ids(tmp_path):
    make_gta(tmp_path, n=2)
    convert_paired_dataset(GTADataset, str(tmp_path))
    raw, converted = (
        build(tmp_path),
        build(tmp_path, label_encoding='train_ids'),
    )
    assert converted[1]['data_samples'].seg_map_path == str(
        tmp_path / 'labels' / '00002_labelTrainIds.png'
    )
    np.testing.assert_array_equal(label_of(raw[1]), label_of(converted[1]))


def test_exclusion_list_is_honoured(tmp_path):
    make_gta(tmp_path, n=3)
    add_gta_defects(tmp_path)
    convert_paired_dataset(GTADataset, str(tmp_path))
    for encoding in ('ids', 'train_ids'):
        dataset = build(tmp_path, label_encoding=encoding)
        names = [dataset.get_data_info(i)['img_path'][-9:] for i in range(5)]
        # 00012 (size mismatch) and 00016 (values outside) are fixed, kept.
        assert names == [
            '00001.png',
            '00002.png',
            '00003.png',
            '00012.png',
            '00016.png',
        ]
        assert len(dataset) == 5
    with pytest.raises(DatasetLayoutError, match='00013.png'):
        build(tmp_path, exclude_file=None)


def test_size_mismatch_is_resized_counted_and_warned_once(tmp_path):
    make_gta(tmp_path, n=1)
    w, h = SIZE
    for name in ('00002.png', '00003.png'):
        write_image(tmp_path / 'images' / name)
        write_palette_label(
            tmp_path / 'labels' / name, id_pattern(GTA_IDS, (w, h - 2))
        )
    dataset = build(tmp_path)
    loader = dataset.pipeline.transforms[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        labels = [label_of(dataset[i]) for i in range(3)]
    assert [label.shape for label in labels] == [(h, w)] * 3
    assert loader.num_resized == 2
    assert [
        str(c.message) for c in caught if c.category is LabelSizeWarning
    ] == [
        f'{tmp_path}/labels/00002.png: label is 24x14 but its image is 24x16; '
        'resized the label to the image (nearest). Later mismatches are '
        'resized silently and counted in LoadTrainIdAnnotations.num_resized; '
        "the dataset's converter in tools/dataset_converters lists them all."
    ]


def test_wrong_data_root_names_the_path_and_the_layout(tmp_path):
    root = tmp_path / 'gta5'
    with pytest.raises(DatasetLayoutError) as info:
        build(root)
    assert str(info.value) == (
        f"GTADataset (data_root '{root}'): no image folder at "
        f"'{root}/images' (absolute path {root}/images). Expected the "
        'official GTA5 layout: images/NNNNN.png with labels/NNNNN.png '
        '(Cityscapes label ids in palette PNGs).'
    )


def test_missing_label_folder(tmp_path):
    write_image(tmp_path / 'images' / '00001.png')
    with pytest.raises(
        DatasetLayoutError, match="no label folder at '.*/labels'"
    ):
        build(tmp_path)


def test_empty_image_folder(tmp_path):
    (tmp_path / 'images').mkdir()
    (tmp_path / 'labels').mkdir()
    with pytest.raises(DatasetLayoutError) as info:
        build(tmp_path)
    assert str(info.value) == (
        f"GTADataset (data_root '{tmp_path}'): no images ending in '.png' in "
        f"'{tmp_path}/images'. Expected the official GTA5 layout: "
        'images/NNNNN.png with labels/NNNNN.png (Cityscapes label ids in '
        'palette PNGs).'
    )


def test_images_without_labels_fail_at_build_time(tmp_path):
    make_gta(tmp_path, n=8)
    for k in range(2, 9):
        (tmp_path / 'labels' / f'{k:05d}.png').unlink()
    with pytest.raises(DatasetLayoutError) as info:
        build(tmp_path)
    labels = tmp_path / 'labels'
    assert str(info.value) == (
        f"GTADataset (data_root '{tmp_path}'): 7 of 8 images have no label "
        f'file: {labels}/00002.png, {labels}/00003.png, {labels}/00004.png, '
        f'{labels}/00005.png, {labels}/00006.png and 2 more. Download the '
        'missing labels, or run `python tools/dataset_converters/gta.py '
        f'{tmp_path}`, which lists images without labels in excluded.txt so '
        'that they are skipped.'
    )


def test_train_ids_before_conversion_say_to_run_the_converter(tmp_path):
    make_gta(tmp_path, n=1)
    with pytest.raises(DatasetLayoutError) as info:
        build(tmp_path, label_encoding='train_ids')
    assert str(info.value).endswith(
        f'{tmp_path}/labels/00001_labelTrainIds.png. Run `python '
        f'tools/dataset_converters/gta.py {tmp_path}` to write them, or set '
        "label_encoding='ids' to map the original labels at load time."
    )


def test_folder_of_colour_labels_fails_at_build_time(tmp_path):
    make_gta(tmp_path, n=2)
    for name in ('00001.png', '00002.png'):
        write_colour_label(tmp_path / 'labels' / name, id_pattern(GTA_IDS))
    with pytest.raises(DatasetLayoutError) as info:
        build(tmp_path)
    assert str(info.value) == (
        f"GTADataset (data_root '{tmp_path}'): its first label is unusable: "
        f'{tmp_path}/labels/00001.png: colour label: an RGB image; expected '
        'Cityscapes label ids 0-33 in a single-channel or palette PNG, not a '
        'colour rendering. Expected the official GTA5 layout: '
        'images/NNNNN.png with labels/NNNNN.png (Cityscapes label ids in '
        'palette PNGs).'
    )


def test_one_unusable_label_is_skipped_with_a_warning(tmp_path):
    make_gta(tmp_path, n=3)
    write_garbage(tmp_path / 'labels' / '00002.png')
    dataset = build(tmp_path)
    with pytest.warns(LabelFileWarning) as caught:
        sample = dataset[1]  # mmengine draws another sample instead
    assert not sample['data_samples'].img_path.endswith('00002.png')
    assert dataset.pipeline.transforms[1].num_skipped >= 1
    assert str(caught[0].message) == (
        f'{tmp_path}/labels/00002.png: unreadable label: not an image file; '
        'sample skipped. The converter in tools/dataset_converters lists '
        'such files in excluded.txt so that they are never loaded.'
    )


def test_invalid_arguments(tmp_path):
    make_gta(tmp_path, n=1)
    with pytest.raises(ValueError) as info:
        build(tmp_path, label_encoding='trainIds')
    assert str(info.value) == (
        "GTADataset: label_encoding must be 'ids' (the original labels) or "
        "'train_ids' (the converter's *_labelTrainIds.png), got 'trainIds'"
    )
    with pytest.raises(ValueError, match='train id 0 is a class'):
        build(tmp_path, reduce_zero_label=True)
