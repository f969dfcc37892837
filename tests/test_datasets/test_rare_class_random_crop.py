"""RareClassRandomCrop: DAFormer's crop re-draws for the rare class, and
mmseg's RandomCrop, draw for draw, without one."""

import copy

import numpy as np
import pytest
from mmcv.transforms.utils import cache_random_params
from mmseg.datasets.transforms import RandomCrop

from mmseg_pfr.datasets import RareClassRandomCrop
from mmseg_pfr.datasets.transforms.rare_class_random_crop import (
    MIN_CROP_PIXELS_KEY,
    RARE_CLASS_KEY,
)

CROP = (8, 8)


def sample(rare_class=None, needed=None) -> dict:
    """A 32x32 image whose label is road (0) with a 4x4 block of class 16,
    and, when given, the keys UDADataset adds for rare-class sampling."""
    seg = np.zeros((32, 32), dtype=np.uint8)
    seg[20:24, 5:9] = 16
    img = np.random.default_rng(0).integers(0, 255, (32, 32, 3), np.uint8)
    results = dict(img=img, gt_seg_map=seg, seg_fields=['gt_seg_map'])
    if rare_class is not None:
        results[RARE_CLASS_KEY] = rare_class
        results[MIN_CROP_PIXELS_KEY] = needed
    return results


def daformer_crop(seed: int, cls: int, needed: float, redraws: int = 10):
    """DAFormer's loop (``get_rare_class_sample``) over whole RandomCrop
    draws: keep the first crop with more than ``needed`` pixels of ``cls``,
    else the last of 1 + ``redraws``."""
    np.random.seed(seed)
    crop = RandomCrop(CROP)
    for attempt in range(redraws + 1):
        out = crop(sample())
        if (out['gt_seg_map'] == cls).sum() > needed or attempt == redraws:
            return out


@pytest.mark.parametrize('seed', range(40))
def test_crop_is_redrawn_as_daformer_does(seed):
    expected = daformer_crop(seed, cls=16, needed=8)
    np.random.seed(seed)
    got = RareClassRandomCrop(CROP)(sample(rare_class=16, needed=8))
    np.testing.assert_array_equal(got['gt_seg_map'], expected['gt_seg_map'])
    np.testing.assert_array_equal(got['img'], expected['img'])
    assert got['img_shape'] == CROP


def test_the_class_is_kept_in_view_when_a_crop_allows_it():
    kept = []
    for seed in range(100):
        np.random.seed(seed)
        out = RareClassRandomCrop(CROP)(sample(rare_class=16, needed=8))
        kept.append((out['gt_seg_map'] == 16).sum() > 8)
    # One crop shows > 8 pixels of the 4x4 block (>= 3 of its rows and
    # >= 3 of its columns) for 7 of the 25 offsets per axis: p = 49 / 625.
    # Eleven draws keep it with probability 1 - (1 - p) ** 11 = 0.59.
    assert 0.45 < np.mean(kept) < 0.75


def test_without_a_rare_class_it_is_random_crop():
    for seed in range(10):
        np.random.seed(seed)
        expected = RandomCrop(CROP, cat_max_ratio=0.75)(sample())
        state = np.random.get_state()[1].copy()
        np.random.seed(seed)
        got = RareClassRandomCrop(CROP, cat_max_ratio=0.75)(sample())
        np.testing.assert_array_equal(got['img'], expected['img'])
        # The same number of draws from the global generator.
        assert np.array_equal(np.random.get_state()[1], state)
    # Nor with rare-class sampling's crop check off (min_crop_ratio 0).
    np.random.seed(0)
    expected = RandomCrop(CROP)(sample())
    np.random.seed(0)
    got = RareClassRandomCrop(CROP)(sample(rare_class=16, needed=0))
    np.testing.assert_array_equal(got['img'], expected['img'])


def test_no_redraws_keeps_the_first_crop():
    expected = daformer_crop(3, cls=16, needed=8, redraws=0)
    np.random.seed(3)
    got = RareClassRandomCrop(CROP, max_redraws=0)(
        sample(rare_class=16, needed=8)
    )
    np.testing.assert_array_equal(got['gt_seg_map'], expected['gt_seg_map'])


def test_cached_randomness_draws_the_crop_once():
    crop = RareClassRandomCrop(CROP)
    with cache_random_params(crop):
        first = crop(sample(rare_class=16, needed=8))
        again = crop(copy.deepcopy(sample(rare_class=16, needed=8)))
    np.testing.assert_array_equal(first['img'], again['img'])


def test_repr():
    assert repr(RareClassRandomCrop((512, 512), cat_max_ratio=0.75)) == (
        'RareClassRandomCrop(crop_size=(512, 512), cat_max_ratio=0.75, '
        'max_redraws=10)'
    )
