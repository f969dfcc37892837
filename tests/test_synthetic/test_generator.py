"""The synthetic generator: determinism, valid labels, the default set's
class coverage and the measured style gap between the domains."""

import multiprocessing

import numpy as np
import pytest
import torch

import mmseg_pfr.synthetic  # noqa: F401  (until mmseg_pfr imports it)
from mmseg_pfr.synthetic.cache import DEFAULT_COUNTS
from mmseg_pfr.synthetic.classes import METAINFO, TrainId
from mmseg_pfr.synthetic.domains import (
    DOMAINS,
    generate_labels,
    generate_sample,
)
from mmseg_pfr.synthetic.gap import domain_gap, mean_grams, random_network

TINY = (40, 80)


def test_same_arguments_give_byte_identical_samples():
    for domain in DOMAINS:
        image, label = generate_sample(domain, 'train', 3, seed=7, size=TINY)
        # Other samples in between: no hidden global random state.
        generate_sample(domain, 'val', 0, seed=1, size=TINY)
        again, again_label = generate_sample(
            domain, 'train', 3, seed=7, size=TINY
        )
        assert image.tobytes() == again.tobytes()
        assert label.tobytes() == again_label.tobytes()


@pytest.mark.parametrize(
    'other',
    [
        ('source', 'train', 0, 1),  # seed
        ('source', 'val', 0, 0),  # split
        ('source', 'train', 1, 0),  # index
        ('target', 'train', 0, 0),  # domain
    ],
)
def test_any_other_argument_gives_another_scene(other):
    image, label = generate_sample('source', 'train', 0, seed=0, size=TINY)
    domain, split, index, seed = other
    image2, label2 = generate_sample(domain, split, index, seed, size=TINY)
    assert not np.array_equal(image, image2)
    assert not np.array_equal(label, label2)


def test_generate_labels_are_the_samples_labels():
    for domain in DOMAINS:
        _, label = generate_sample(domain, 'val', 4, seed=2, size=TINY)
        np.testing.assert_array_equal(
            generate_labels(domain, 'val', 4, seed=2, size=TINY), label
        )


def test_a_scene_can_be_rendered_in_the_other_style():
    image, label = generate_sample('target', 'val', 2, size=TINY)
    restyled, same_label = generate_sample(
        'target', 'val', 2, size=TINY, style=DOMAINS['source'].style
    )
    np.testing.assert_array_equal(same_label, label)
    # The source style is brighter and more saturated than the target's.
    assert restyled.mean() > image.mean() + 20
    assert np.ptp(restyled, axis=2).mean() > 2 * np.ptp(image, axis=2).mean()


def test_default_sizes_follow_the_real_aspect_ratios():
    image, label = generate_sample('source', 'train', 0)
    assert image.shape == (144, 256, 3) and image.dtype == np.uint8
    assert label.shape == (144, 256) and label.dtype == np.uint8
    image, label = generate_sample('target', 'train', 0)
    assert image.shape == (128, 256, 3) and label.shape == (128, 256)


def test_labels_are_train_ids_in_a_street_layout():
    valid = set(range(len(METAINFO['classes']))) | {255}
    for domain in DOMAINS:
        for i in range(8):
            label = generate_labels(domain, 'val', i, size=(64, 128))
            assert set(np.unique(label).tolist()) <= valid
            rows = np.arange(64)[:, None].repeat(128, axis=1)
            # The horizon lies between 30% and 60% of the height: sky only
            # above it, road only below it, ignore only on the ego hood.
            assert rows[label == TrainId.SKY].max() < 0.6 * 64
            assert rows[label == TrainId.ROAD].min() > 0.3 * 64
            ignored = rows[label == 255]
            assert ignored.size == 0 or ignored.min() >= 0.85 * 64
            # Cityscapes' recording car shows its bonnet in every frame.
            if domain == 'target':
                assert ignored.size > 0


def _classes_in(job: tuple) -> np.ndarray:
    """(256,) bool: the values present in one default sample's labels."""
    return np.bincount(generate_labels(*job).ravel(), minlength=256) > 0


def test_every_class_appears_in_every_split_of_the_default_set():
    names = METAINFO['classes']
    # 1000 scenes: use every core (fork: the workers share the imports).
    with multiprocessing.get_context('fork').Pool() as pool:
        for (domain, split), count in DEFAULT_COUNTS.items():
            jobs = [(domain, split, i) for i in range(count)]
            seen = np.any(pool.map(_classes_in, jobs, chunksize=25), axis=0)
            missing = [names[c] for c in range(len(names)) if not seen[c]]
            assert not missing, f'{domain}/{split} lacks {missing}'


def test_pixel_grams_match_an_independent_formula():
    rng = np.random.default_rng(0)
    images = [
        rng.integers(0, 256, (6, 10, 3), dtype=np.uint8) for _ in range(5)
    ]
    pixels = mean_grams(images, random_network(), batch=2)[0]
    x = np.stack(images).astype(np.float64) / 255.0
    # PFR's Gram (Gatys et al.): summed over the 5 images, divided by the
    # 6 x 10 positions of each.
    expected = np.einsum('nhwc,nhwd->cd', x, x) / (5 * 6 * 10)
    np.testing.assert_allclose(pixels.numpy(), expected, rtol=1e-5)


def test_random_network_is_fixed_by_its_seed():
    a, b, c = random_network(0), random_network(0), random_network(1)
    for pa, pb, pc in zip(a.parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb)
        assert pa.abs().sum() == 0 or not torch.equal(pa, pc)


def _images(domain: str, seed: int, n: int = 32) -> list:
    return [
        generate_sample(domain, 'train', i, seed, TINY)[0] for i in range(n)
    ]


def test_cross_domain_style_gap_dwarfs_the_spread_within_a_domain():
    gap = domain_gap(_images('source', 0), _images('target', 0))
    for space in ('pixels', 'random_net'):
        g = gap[space]
        assert g['cross'] > 4 * max(g['within_source'], g['within_target'])
        assert g['ratio'] == pytest.approx(
            g['cross'] / max(g['within_source'], g['within_target'])
        )


def test_two_samples_of_one_domain_show_no_gap():
    gap = domain_gap(_images('source', 0), _images('source', 1))
    for space in ('pixels', 'random_net'):
        assert gap[space]['ratio'] < 2.0
