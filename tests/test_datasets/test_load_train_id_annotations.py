"""LoadTrainIdAnnotations: mapping, custom classes, pipeline order."""

import numpy as np
import pytest
from test_datasets.dataset_layouts import (
    DOCUMENTED_CITYSCAPES,
    GTA_IDS,
    id_pattern,
    reference_train_ids,
    write_palette_label,
)

from mmseg_pfr.datasets import LoadTrainIdAnnotations


def results_for(path, **extra):
    return dict(
        seg_map_path=str(path),
        label_encoding='cityscapes_ids',
        ori_shape=(16, 24),
        seg_fields=[],
        **extra,
    )


def test_label_map_of_custom_classes_is_folded_into_the_lookup(tmp_path):
    ids = id_pattern(GTA_IDS)
    write_palette_label(tmp_path / 'a.png', ids)
    # Custom classes (road, car): mmseg's label_map old -> new train id.
    label_map = {i: 255 for i in range(19)}
    label_map.update({0: 0, 13: 1})
    out = LoadTrainIdAnnotations()(
        results_for(tmp_path / 'a.png', label_map=label_map)
    )
    train_ids = reference_train_ids(ids, DOCUMENTED_CITYSCAPES)
    expected = np.select(
        [train_ids == 0, train_ids == 13], [0, 1], default=255
    )
    np.testing.assert_array_equal(out['gt_seg_map'], expected)
    assert out['seg_fields'] == ['gt_seg_map']


def test_image_must_be_loaded_first(tmp_path):
    results = results_for(tmp_path / 'a.png')
    del results['ori_shape']
    with pytest.raises(KeyError, match='put LoadImageFromFile before it'):
        LoadTrainIdAnnotations()(results)


def test_repr():
    assert repr(LoadTrainIdAnnotations()) == (
        'LoadTrainIdAnnotations(backend_args=None)'
    )
