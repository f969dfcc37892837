"""Decoding label files, with the messages users see."""

import os

import cv2
import numpy as np
import pytest
from PIL import Image
from test_datasets.dataset_layouts import (
    DOCUMENTED_CITYSCAPES,
    GTA_IDS,
    SYNTHIA_IDS,
    id_pattern,
    write_colour_label,
    write_garbage,
    write_gray_label,
    write_image,
    write_palette_label,
    write_synthia_label,
    write_truncated,
)

from mmseg_pfr.datasets import get_encoding
from mmseg_pfr.datasets.label_io import (
    LabelFileError,
    read_image_info,
    read_label,
    write_png_atomic,
)

CS = get_encoding('cityscapes_ids')
SYN = get_encoding('synthia_ids')


def test_palette_label_gives_its_indices_not_its_colours(tmp_path):
    ids = id_pattern(GTA_IDS)
    write_palette_label(tmp_path / 'a.png', ids)
    label = read_label(str(tmp_path / 'a.png'), CS)
    assert label.dtype == np.uint8
    np.testing.assert_array_equal(label, ids)


def test_gray_label(tmp_path):
    ids = id_pattern(sorted(DOCUMENTED_CITYSCAPES))
    write_gray_label(tmp_path / 'a.png', ids)
    np.testing.assert_array_equal(read_label(str(tmp_path / 'a.png'), CS), ids)


def test_synthia_label_class_comes_from_the_red_channel(tmp_path):
    ids = id_pattern(SYNTHIA_IDS + (22,))
    write_synthia_label(tmp_path / 'a.png', ids)
    label = read_label(str(tmp_path / 'a.png'), SYN)
    assert label.dtype == np.uint16
    np.testing.assert_array_equal(label, ids)


def test_colour_label_is_refused(tmp_path):
    path = tmp_path / 'a_color.png'
    write_colour_label(path, id_pattern(GTA_IDS))
    with pytest.raises(LabelFileError) as info:
        read_label(str(path), CS)
    assert str(info.value) == (
        f'{path}: colour label: an RGB image; expected Cityscapes label ids '
        '0-33 in a single-channel or palette PNG, not a colour rendering'
    )
    assert info.value.reason == 'colour label'


def test_synthia_colour_rendering_is_refused(tmp_path):
    path = tmp_path / 'a.png'
    write_image(path)  # an 8-bit RGB image, as in GT/COLOR
    with pytest.raises(LabelFileError) as info:
        read_label(str(path), SYN)
    assert str(info.value) == (
        f'{path}: colour label: an 8-bit 3-channel image; expected SYNTHIA '
        'class ids 0-22 in the red channel of a 16-bit PNG (GT/LABELS, not '
        'GT/COLOR)'
    )


@pytest.mark.parametrize('encoding', [CS, SYN], ids=lambda e: e.name)
def test_garbage_is_unreadable(tmp_path, encoding):
    path = tmp_path / 'a.png'
    write_garbage(path)
    with pytest.raises(LabelFileError) as info:
        read_label(str(path), encoding)
    detail = (
        'not an image file' if encoding is CS else 'OpenCV cannot decode it'
    )
    assert str(info.value) == f'{path}: unreadable label: {detail}'


def test_truncated_label_is_unreadable(tmp_path):
    path = tmp_path / 'a.png'
    write_palette_label(path, id_pattern(GTA_IDS, (64, 64)))
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(LabelFileError) as info:
        read_label(str(path), CS)
    assert info.value.reason == 'unreadable label'
    assert 'truncated' in info.value.detail


def test_16_bit_gray_label_is_an_unexpected_format(tmp_path):
    path = tmp_path / 'a.png'
    cv2.imwrite(str(path), id_pattern(GTA_IDS).astype(np.uint16))
    with pytest.raises(LabelFileError) as info:
        read_label(str(path), CS)
    assert str(info.value) == (
        f'{path}: unexpected label format: image mode I;16; expected '
        'Cityscapes label ids 0-33 in a single-channel (L) or palette (P) '
        '8-bit PNG'
    )


def test_missing_label_is_unreadable(tmp_path):
    with pytest.raises(LabelFileError) as info:
        read_label(str(tmp_path / 'none.png'), CS)
    assert info.value.reason == 'unreadable label'


def test_image_info_decodes_to_find_truncation(tmp_path):
    path = tmp_path / 'a.png'
    write_truncated(path, (24, 16))
    assert read_image_info(str(path), decode=False) == ((24, 16), None)
    with pytest.raises(OSError, match='truncated'):
        read_image_info(str(path), decode=True)


@pytest.mark.parametrize(
    'mode, colour', [('RGB', (0, 0, 0)), ('RGB', (9, 200, 3)), ('L', (17,))]
)
def test_image_info_names_the_colour_of_a_blank_image(tmp_path, mode, colour):
    path = tmp_path / 'a.png'
    Image.new(mode, (24, 16), colour if mode == 'RGB' else colour[0]).save(
        path
    )
    assert read_image_info(str(path), decode=True) == ((24, 16), colour)
    # Only the header without decoding: nothing known about the pixels.
    assert read_image_info(str(path), decode=False).single_colour is None


def test_image_info_of_an_image_with_two_colours(tmp_path):
    path = tmp_path / 'a.png'
    pixels = np.zeros((16, 24, 3), np.uint8)
    pixels[5, 7, 1] = 1  # one pixel differs, in one channel
    Image.fromarray(pixels).save(path)
    assert read_image_info(str(path), decode=True) == ((24, 16), None)


def test_atomic_write_leaves_no_partial_file(tmp_path):
    path = tmp_path / 'out.png'
    write_png_atomic(str(path), np.full((2, 3), 7, np.uint8))
    assert os.listdir(tmp_path) == ['out.png']
    np.testing.assert_array_equal(read_label(str(path), CS), 7)
