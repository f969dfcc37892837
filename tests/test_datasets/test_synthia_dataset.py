"""SynthiaDataset on the official RAND-CITYSCAPES layout."""

import numpy as np
import pytest
from test_datasets.dataset_layouts import (
    DOCUMENTED_SYNTHIA,
    SIZE,
    SYNTHIA_IDS,
    id_pattern,
    make_synthia,
    reference_train_ids,
    write_image,
)
from test_datasets.tiny_configs import build_source_dataset

from mmseg_pfr.datasets import DatasetLayoutError


def build(root, **kwargs):
    return build_source_dataset('SynthiaDataset', root, **kwargs)


def test_16_bit_class_ids_are_mapped_to_train_ids(tmp_path):
    dataset = build(make_synthia(tmp_path, n=2))
    assert len(dataset) == 2
    for k in range(2):
        label = dataset[k]['data_samples'].gt_sem_seg.data[0].numpy()
        expected = reference_train_ids(
            id_pattern(SYNTHIA_IDS, SIZE, k), DOCUMENTED_SYNTHIA
        )
        np.testing.assert_array_equal(label, expected)
    # SYNTHIA's terrain (16) is not a training class.
    assert 9 not in np.unique(label)


def test_colour_folder_instead_of_labels_fails_at_build_time(tmp_path):
    make_synthia(tmp_path, n=1)
    # GT/COLOR holds 8-bit renderings; pointing the labels there is wrong.
    write_image(tmp_path / 'GT' / 'COLOR' / '0000000.png')
    with pytest.raises(DatasetLayoutError) as info:
        build(
            tmp_path, data_prefix=dict(img_path='RGB', seg_map_path='GT/COLOR')
        )
    assert str(info.value) == (
        f"SynthiaDataset (data_root '{tmp_path}'): its first label is "
        f'unusable: {tmp_path}/GT/COLOR/0000000.png: colour label: an 8-bit '
        '3-channel image; expected SYNTHIA class ids 0-22 in the red channel '
        'of a 16-bit PNG (GT/LABELS, not GT/COLOR). Expected the official '
        'SYNTHIA RAND-CITYSCAPES layout: RGB/NNNNNNN.png with '
        'GT/LABELS/NNNNNNN.png (16-bit, class id in the red channel).'
    )


def test_wrong_data_root(tmp_path):
    with pytest.raises(DatasetLayoutError) as info:
        build(tmp_path / 'RAND_CITYSCAPES')
    root = tmp_path / 'RAND_CITYSCAPES'
    assert str(info.value) == (
        f"SynthiaDataset (data_root '{root}'): no image folder at "
        f"'{root}/RGB' (absolute path {root}/RGB). Expected the official "
        'SYNTHIA RAND-CITYSCAPES layout: RGB/NNNNNNN.png with '
        'GT/LABELS/NNNNNNN.png (16-bit, class id in the red channel).'
    )
