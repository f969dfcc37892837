"""The benchmark's statistics against independent computations on made-up
numbers: Student-t quantiles and intervals, mmseg's mIoU, the paired
bootstrap over val images, and the verdict rule at its edges."""

import itertools
import math

import numpy as np
import pytest
import torch
from mmseg.evaluation import IoUMetric

from mmseg_pfr.synthetic.report import Line, gains_table
from mmseg_pfr.synthetic.statistics import (
    ADAPTS,
    HURTS,
    NO_EFFECT,
    UNDECIDED,
    Gain,
    bootstrap_gain,
    bootstrap_gains,
    miou_of_sums,
    t_cdf,
    t_interval,
    t_quantile,
    verdict,
)

# 0.975 quantiles of Student's t, from published tables.
T_975 = {1: 12.7062047362, 2: 4.3026527297, 3: 3.1824463053, 10: 2.2281388520}


@pytest.mark.parametrize('df, expected', sorted(T_975.items()))
def test_t_quantile_matches_the_tables(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-8)
    assert t_quantile(0.025, df) == pytest.approx(-expected, abs=1e-8)


def test_t_cdf_is_the_cauchy_at_one_degree_of_freedom():
    for t in (-3.0, -0.2, 0.0, 0.7, 5.0):
        cauchy = 0.5 + math.atan(t) / math.pi
        assert t_cdf(t, 1) == pytest.approx(cauchy, abs=1e-12)


def test_t_distribution_against_scipy():
    stats = pytest.importorskip('scipy.stats')
    for df in (2, 4, 7, 29):
        assert t_quantile(0.9, df) == pytest.approx(stats.t.ppf(0.9, df))
        assert t_cdf(-1.3, df) == pytest.approx(stats.t.cdf(-1.3, df))


def test_t_interval_by_hand():
    # mean 7/3, sd sqrt(7/3), n 3: half-width t(0.975, 2) * sd / sqrt(3).
    low, high = t_interval([1.0, 2.0, 4.0])
    half = T_975[2] * math.sqrt(7 / 3) / math.sqrt(3)
    assert low == pytest.approx(7 / 3 - half)
    assert high == pytest.approx(7 / 3 + half)
    with pytest.raises(ValueError, match='at least 2'):
        t_interval([1.0])


def test_miou_of_sums_is_mmseg_iou_metric():
    rng = np.random.default_rng(0)
    intersect = rng.integers(0, 50, 19).astype(float)
    union = intersect + rng.integers(0, 50, 19)
    union[[3, 7]] = intersect[[3, 7]] = 0  # classes absent: left out
    metrics = IoUMetric.total_area_to_metrics(
        torch.tensor(intersect),
        torch.tensor(union),
        torch.tensor(union),
        torch.tensor(union),
        ['mIoU'],
    )
    expected = 100 * np.nanmean(metrics['IoU'])
    assert float(miou_of_sums(intersect, union)) == pytest.approx(expected)


def areas(per_image):
    """(intersect, union) arrays from per-image [(i, u) per class] lists."""
    a = np.array(per_image, dtype=float)
    return a[..., 0], a[..., 1]


# Three val images, two classes; the row and its baseline.
ROW = areas([[(5, 10), (0, 4)], [(8, 9), (2, 2)], [(1, 6), (0, 0)]])
BASE = areas([[(3, 10), (0, 5)], [(8, 10), (1, 2)], [(2, 6), (0, 0)]])


def exact_distribution():
    """Every resample of 3 images (27 equally likely draws): the gains."""
    gains = []
    for draw in itertools.product(range(3), repeat=3):
        pick = list(draw)
        row = miou_of_sums(ROW[0][pick].sum(0), ROW[1][pick].sum(0))
        base = miou_of_sums(BASE[0][pick].sum(0), BASE[1][pick].sum(0))
        gains.append(round(float(row - base), 9))
    values, counts = np.unique(gains, return_counts=True)
    return dict(zip(values, counts / 27))


def test_bootstrap_draws_the_exact_resampling_distribution():
    exact = exact_distribution()
    gains = np.round(bootstrap_gains(ROW, BASE, resamples=40000), 9)
    values, counts = np.unique(gains, return_counts=True)
    assert set(values) <= set(exact)
    for value, count in zip(values, counts):
        assert count / len(gains) == pytest.approx(exact[value], abs=0.01)


def test_bootstrap_interval_is_its_percentiles_and_is_reproducible():
    gains = bootstrap_gains(ROW, BASE, resamples=500, seed=3)
    low, high = bootstrap_gain(ROW, BASE, resamples=500, seed=3)
    assert (low, high) == tuple(np.percentile(gains, [2.5, 97.5]))
    assert bootstrap_gain(ROW, BASE, 500, seed=3) == (low, high)


def test_identical_images_leave_no_spread():
    same = areas([[(4, 8), (1, 2)]] * 5)
    base = areas([[(2, 8), (1, 2)]] * 5)
    low, high = bootstrap_gain(same, base, resamples=200)
    gain = 100 * (4 / 8 - 2 / 8) / 2
    assert low == pytest.approx(gain) and high == pytest.approx(gain)


def test_bootstrap_needs_the_same_images():
    with pytest.raises(ValueError, match='same val images'):
        bootstrap_gains(ROW, (BASE[0][:2], BASE[1][:2]))


def gain(seed_interval, *bootstrap):
    return Gain([1.0, 2.0], seed_interval, list(bootstrap))


@pytest.mark.parametrize(
    'value, expected',
    [
        (gain((0.1, 2.0), (0.2, 1.0), (1e-9, 3.0)), ADAPTS),
        # An interval that touches 0 does not decide.
        (gain((0.0, 2.0), (0.2, 1.0), (0.1, 3.0)), NO_EFFECT),
        (gain((0.1, 2.0), (0.2, 1.0), (0.0, 3.0)), NO_EFFECT),
        (gain((0.1, 2.0), (0.2, 1.0), None), NO_EFFECT),
        (gain((-2.0, -0.1), (-1.0, -0.5), (-3.0, -1e-9)), HURTS),
        (gain((-2.0, 0.0), (-1.0, -0.5), (-3.0, -1.0)), NO_EFFECT),
        (gain((-2.0, -0.1), (-1.0, 0.5), (-3.0, -1.0)), NO_EFFECT),
        (Gain([1.0], None, [(0.5, 1.5)]), UNDECIDED),
    ],
)
def test_verdict_at_its_edges(value, expected):
    assert verdict(value) == expected


def test_a_share_of_the_gap_just_below_zero_prints_as_0_percent():
    """Rounded to whole per cent, -0.4 % is 0 %, not '-0 %'."""
    gain = Gain([-0.1, 0.0, -0.05], None, [None, None, None])
    line = Line('PFR only', False, {}, 'source only', gain, -0.004)
    row = gains_table([line]).splitlines()[-1]
    assert '| 0 % |' in row and '-0 %' not in row
