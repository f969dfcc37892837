"""Rare-class sampling (DAFormer): class probabilities against the formula,
long-run draw frequencies, min_pixels, and its errors."""

import math

import numpy as np
import pytest
from scipy.stats import chisquare

from mmseg_pfr.datasets import RareClassSampler
from mmseg_pfr.datasets.rare_class_sampling import (
    class_probabilities,
    draw_generator,
)

# Pixels of 5 classes in 8 images; class 2 never occurs (like SYNTHIA's
# terrain), class 4 is rare and only image 7 has more than 100 pixels of it.
PIXELS = np.array(
    [
        # 0     1    2    3    4
        [9000, 500, 0, 300, 0],
        [8000, 900, 0, 0, 10],
        [7000, 0, 0, 800, 0],
        [9500, 300, 0, 101, 0],
        [6000, 2000, 0, 100, 0],
        [8800, 0, 0, 0, 100],
        [9900, 100, 0, 450, 0],
        [7700, 1200, 0, 0, 150],
    ]
)


def daformer_probabilities(pixels: np.ndarray, temperature: float) -> dict:
    """``{class: exp((1 - f_c) / T) / sum_c' exp((1 - f_c') / T)}`` over
    the classes with a pixel, written out with ``math``."""
    totals = {c: int(pixels[:, c].sum()) for c in range(pixels.shape[1])}
    present = {c: n for c, n in totals.items() if n > 0}
    everything = sum(present.values())
    weights = {
        c: math.exp((1 - n / everything) / temperature)
        for c, n in present.items()
    }
    return {c: w / sum(weights.values()) for c, w in weights.items()}


@pytest.mark.parametrize('temperature', [0.01, 0.1, 1.0])
def test_class_probabilities_are_daformers(temperature):
    sampler = RareClassSampler(PIXELS, min_pixels=100, class_temp=temperature)
    expected = daformer_probabilities(PIXELS, temperature)
    assert sampler.classes.tolist() == sorted(expected) == [0, 1, 3, 4]
    for c, p in zip(sampler.classes, sampler.probabilities):
        assert p == pytest.approx(expected[c], rel=1e-12, abs=1e-300)
    # The rarer, the likelier.
    order = np.argsort(PIXELS.sum(0)[sampler.classes])
    assert np.all(np.diff(sampler.probabilities[order]) < 0)


def test_infinite_temperature_draws_classes_uniformly():
    probabilities = class_probabilities(np.array([0.7, 0.2, 0.1]), math.inf)
    assert probabilities.tolist() == [1 / 3, 1 / 3, 1 / 3]


def test_min_pixels_is_exceeded_strictly():
    # DAFormer keeps an image for class c if it has more than min_pixels.
    sampler = RareClassSampler(PIXELS, min_pixels=100)
    assert sampler.images_of(3).tolist() == [0, 2, 3, 6]  # not 4's 100
    assert sampler.images_of(4).tolist() == [7]  # not 5's 100
    assert sampler.images_of(1).tolist() == [0, 1, 3, 4, 7]
    assert RareClassSampler(PIXELS, min_pixels=99).images_of(3).tolist() == [
        0,
        2,
        3,
        4,
        6,
    ]


def binomial_bounds(n: int, p: float) -> tuple:
    """Counts of an event of probability ``p`` in ``n`` draws that a
    correct sampler leaves only with probability < 1e-6 (6 standard
    deviations, plus one for tiny ``n p``)."""
    spread = 6 * math.sqrt(n * p * (1 - p)) + 1
    return n * p - spread, n * p + spread


def test_long_run_draws_follow_the_probabilities():
    sampler = RareClassSampler(PIXELS, min_pixels=100, class_temp=0.01)
    n = 20000
    draws = [sampler.draw(draw_generator(0, k)) for k in range(n)]
    classes = np.array([c for c, _ in draws])
    for c, p in zip(sampler.classes, sampler.probabilities):
        low, high = binomial_bounds(n, p)
        assert low <= np.count_nonzero(classes == c) <= high, c
    # Every image drawn holds more than min_pixels of its class ...
    for c, image in draws:
        assert PIXELS[image, c] > 100
    # ... and a class's images come up uniformly.
    for c in sampler.classes:
        images = [image for d, image in draws if d == c]
        eligible = sampler.images_of(c)
        if len(images) >= 5 * len(eligible) > 5:
            observed = [images.count(i) for i in eligible]
            assert chisquare(observed).pvalue > 1e-4, c


def test_draw_frequencies_pass_a_chi_square_test():
    # A temperature where every class is drawn often enough for the test.
    sampler = RareClassSampler(PIXELS, min_pixels=100, class_temp=0.5)
    n = 20000
    classes = [sampler.draw(draw_generator(3, k))[0] for k in range(n)]
    observed = [classes.count(c) for c in sampler.classes]
    expected = n * sampler.probabilities
    assert expected.min() > 50
    assert chisquare(observed, expected).pvalue > 1e-4


def test_a_draw_depends_on_its_seed_and_key_only():
    sampler = RareClassSampler(PIXELS, min_pixels=100, class_temp=0.1)
    first = [sampler.draw(draw_generator(5, k)) for k in range(50)]
    assert first == [sampler.draw(draw_generator(5, k)) for k in range(50)]
    assert first[20:] == [
        sampler.draw(draw_generator(5, k)) for k in range(20, 50)
    ]
    assert first != [sampler.draw(draw_generator(6, k)) for k in range(50)]


def test_a_class_without_an_image_above_min_pixels_is_refused():
    with pytest.raises(ValueError) as info:
        RareClassSampler(PIXELS, min_pixels=200, class_names='abcde')
    assert str(info.value) == (
        "rare-class sampling: 'e' (id 4) is in 3 source images, but in none "
        'with more than min_pixels=200 pixels of it (at most 150), so it '
        'cannot be drawn; set rare_class_sampling.min_pixels below 150 '
        "(DAFormer's 3000 is for 1914x1052 GTA5 labels: scale it with the "
        'label area)'
    )


@pytest.mark.parametrize(
    'kwargs, message',
    [
        (dict(min_pixels=-1), 'min_pixels must be >= 0, got -1'),
        (dict(class_temp=0), 'class_temp must be > 0, got 0'),
        (dict(min_crop_ratio=-0.5), 'min_crop_ratio must be >= 0, got -0.5'),
    ],
)
def test_options_out_of_range_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=f'^rare-class sampling: {message}$'):
        RareClassSampler(PIXELS, **kwargs)


def test_no_labelled_pixel_is_refused():
    with pytest.raises(ValueError, match='have no labelled pixel'):
        RareClassSampler(np.zeros((3, 19), dtype=int))


def test_daformers_defaults():
    sampler = RareClassSampler(PIXELS * 30)
    assert (sampler.min_pixels, sampler.class_temp) == (3000, 0.01)
    assert sampler.min_crop_ratio == 0.5
    assert sampler.min_crop_pixels == 1500
