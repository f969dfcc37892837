"""Statistics that decide whether a benchmark row adapts.

A row is compared with its baseline (source-only on the same warm start)
seed by seed: the *paired gain* of seed k is ``row_k - baseline_k`` in
target val mIoU. Two intervals say how sure that gain is:

- over seeds: a Student-t 95 % interval of the mean paired gain (training
  randomness: the seed sets the warm start, the data order and every
  random draw);
- over val images, per seed: a paired percentile bootstrap, resampling the
  val images with replacement and recomputing both runs' mIoU from their
  per-image intersections and unions on the same resample (would the gain
  hold on another val set of the same kind?).

The verdict (:func:`verdict`) needs both: *adapts* when the seed interval
and every seed's bootstrap interval lie above zero, *hurts* when they all
lie below, *no measurable effect* otherwise.
"""

import math
import statistics
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

Interval = Tuple[float, float]
ADAPTS, NO_EFFECT, HURTS = 'adapts', 'no measurable effect', 'hurts'
UNDECIDED = 'undecided (one seed)'


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified
    Lentz), which converges for ``x < (a + 1) / (a + b + 2)``."""
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return result


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function ``I_x(a, b)``."""
    if x <= 0.0 or x >= 1.0:
        return 0.0 if x <= 0.0 else 1.0
    log_front = (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - incomplete_beta(b, a, 1.0 - x)


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t (bisection on :func:`t_cdf`)."""
    if not 0.0 < p < 1.0 or df < 1:
        raise ValueError(f'need 0 < p < 1 and df >= 1, got {p}, {df}')
    low, high = -1e4, 1e4
    for _ in range(200):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if t_cdf(middle, df) < p else (low, middle)
    return 0.5 * (low + high)


def t_interval(values: Sequence[float], level: float = 0.95) -> Interval:
    """Two-sided Student-t interval of the mean of ``values`` (n >= 2)."""
    n = len(values)
    if n < 2:
        raise ValueError(f'a t-interval needs at least 2 values, got {n}')
    mean = statistics.mean(values)
    half = t_quantile(0.5 + level / 2, n - 1) * statistics.stdev(values)
    half /= math.sqrt(n)
    return mean - half, mean + half


def miou_of_sums(intersect: np.ndarray, union: np.ndarray) -> np.ndarray:
    """mIoU (%) over the last axis as mmseg's ``IoUMetric`` computes it:
    classes with an empty union are left out of the mean."""
    with np.errstate(invalid='ignore', divide='ignore'):
        iou = np.where(union > 0, intersect / union, np.nan)
    counted = np.sum(union > 0, axis=-1)
    return 100 * np.nansum(iou, axis=-1) / np.maximum(counted, 1)


def bootstrap_gains(
    row: Tuple[np.ndarray, np.ndarray],
    baseline: Tuple[np.ndarray, np.ndarray],
    resamples: int = 2000,
    seed: int = 0,
) -> np.ndarray:
    """``mIoU(row) - mIoU(baseline)`` on ``resamples`` resamples of the val
    images (drawn with replacement), both runs on the same resample.

    Args:
        row: Per-image (intersect, union) areas, each (images, classes).
        baseline: The same for the baseline run, same images in order.
        resamples: Bootstrap resamples.
        seed: Seed of the resampling (a fixed seed: the same files give
            the same interval).
    """
    n = len(row[0])
    if any(len(a) != n for a in (*row, *baseline)):
        raise ValueError('the runs were not scored on the same val images')
    rng = np.random.default_rng(seed)
    # How often each image is drawn, per resample: (resamples, images).
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=resamples)
    gains = miou_of_sums(counts @ row[0], counts @ row[1])
    return gains - miou_of_sums(counts @ baseline[0], counts @ baseline[1])


def bootstrap_gain(
    row: Tuple[np.ndarray, np.ndarray],
    baseline: Tuple[np.ndarray, np.ndarray],
    resamples: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile interval of :func:`bootstrap_gains` at ``level``."""
    gains = bootstrap_gains(row, baseline, resamples, seed)
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(gains, [tail, 100 - tail])
    return float(low), float(high)


@dataclass
class Gain:
    """A row's paired gain over its baseline.

    Attributes:
        per_seed: ``row - baseline`` target val mIoU, seed by seed.
        seed_interval: 95 % t-interval of their mean (None for one seed).
        bootstrap: Per seed, the 95 % bootstrap interval over val images
            (None where a run has no per-image areas).
    """

    per_seed: List[float]
    seed_interval: Optional[Interval]
    bootstrap: List[Optional[Interval]]

    @property
    def mean(self) -> float:
        return statistics.mean(self.per_seed)


def verdict(gain: Gain) -> str:
    """*adapts*: the seed interval and every seed's bootstrap interval lie
    strictly above 0; *hurts*: all strictly below 0; otherwise *no
    measurable effect*. One seed (no seed interval) is *undecided*; a
    missing bootstrap interval counts as one that contains 0."""
    if gain.seed_interval is None:
        return UNDECIDED
    intervals = [gain.seed_interval, *gain.bootstrap]
    if all(i is not None and i[0] > 0 for i in intervals):
        return ADAPTS
    if all(i is not None and i[1] < 0 for i in intervals):
        return HURTS
    return NO_EFFECT
