"""The label encodings against the documented mappings."""

import re

import numpy as np
import pytest
from test_datasets.dataset_layouts import (
    DOCUMENTED_CITYSCAPES,
    DOCUMENTED_SYNTHIA,
    realdata,
    reference_train_ids,
)

from mmseg_pfr.datasets import (
    CITYSCAPES_ID_TO_TRAIN_ID,
    SYNTHIA_13_CLASSES,
    SYNTHIA_16_CLASSES,
    SYNTHIA_ID_TO_TRAIN_ID,
    get_encoding,
)
from mmseg_pfr.datasets.label_maps import train_id_encoding


def test_tables_match_the_documents():
    assert CITYSCAPES_ID_TO_TRAIN_ID == DOCUMENTED_CITYSCAPES
    assert SYNTHIA_ID_TO_TRAIN_ID == DOCUMENTED_SYNTHIA


def test_realdata_readme_documents_the_same_mapping():
    text = realdata('README.md').read_text()
    pairs = re.findall(r'(\d+):(\d+) [a-z]', text.split('train ids')[-1])
    assert {int(a): int(b) for a, b in pairs} == DOCUMENTED_CITYSCAPES


@pytest.mark.parametrize(
    'name, mapping, dtype',
    [
        ('cityscapes_ids', DOCUMENTED_CITYSCAPES, np.uint8),
        ('synthia_ids', DOCUMENTED_SYNTHIA, np.uint16),
    ],
)
def test_lookup_equals_per_id_mapping_on_every_value(name, mapping, dtype):
    encoding = get_encoding(name)
    every = np.arange(2 ** (8 * np.dtype(dtype).itemsize), dtype=dtype)
    labels = every.reshape(-1, 256)
    np.testing.assert_array_equal(
        encoding.to_train_ids(labels), reference_train_ids(labels, mapping)
    )


def test_train_ids_pass_through_and_the_rest_is_ignored():
    labels = np.arange(256, dtype=np.uint8)
    expected = np.where(labels < 19, labels, 255)
    np.testing.assert_array_equal(
        get_encoding('train_ids').to_train_ids(labels), expected
    )
    assert train_id_encoding(4, 0).valid_values == (0, 1, 2, 3, 0)


def test_synthia_class_subsets():
    assert len(SYNTHIA_16_CLASSES) == 16
    assert set(SYNTHIA_16_CLASSES).isdisjoint({'terrain', 'truck', 'train'})
    assert SYNTHIA_13_CLASSES == tuple(
        c for c in SYNTHIA_16_CLASSES if c not in ('wall', 'fence', 'pole')
    )


def test_unknown_encoding_names_the_known_ones():
    with pytest.raises(ValueError) as info:
        get_encoding('gta')
    assert str(info.value) == (
        "unknown label encoding 'gta'; known: cityscapes_ids, synthia_ids, "
        'train_ids'
    )


def test_lookup_table_is_read_only():
    with pytest.raises(ValueError):
        get_encoding('cityscapes_ids').lut[0] = 3
