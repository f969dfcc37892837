"""Rare-class sampling (RCS), DAFormer (Hoyer et al., CVPR 2022), Sec. 3.4.

Source images are not drawn uniformly: first a class ``c`` with

    P(c) = exp((1 - f_c) / T) / sum_c' exp((1 - f_c') / T),

``f_c`` the share of the source set's labelled pixels that are of class
``c`` and ``T`` the temperature (0.01), then, uniformly, an image holding
more than ``min_pixels`` (3000) pixels of ``c``. As in DAFormer's code
(``get_rcs_class_probs``, ``UDADataset``; lhoyer/DAFormer
``mmseg/datasets/uda_dataset.py``): only classes with a pixel in the source
set take part (SYNTHIA's missing terrain, truck and train get no
probability), ``f_c`` counts labelled pixels (the ignore index is not a
class), "more than" is strict, and a class with no image above
``min_pixels`` is an error. The crop of the drawn image is then re-drawn
until ``c`` covers more than ``min_pixels * min_crop_ratio`` of its pixels
(:class:`~mmseg_pfr.datasets.transforms.RareClassRandomCrop`).

Each draw takes its own generator, seeded by ``(seed, key)``
(:func:`draw_generator`): the key is the draw's position in the sampler's
stream, so a draw depends on nothing drawn before it, and a resumed run,
another rank or another worker draws exactly what the uninterrupted run
draws at that position.
"""

from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log
from mmseg.datasets import BaseSegDataset

from .class_stats import load_class_pixels
from .transforms.rare_class_random_crop import RareClassRandomCrop

# Entropy tag of the RCS draws; UDAInfiniteSampler's streams use 0-3.
RARE_CLASS_TAG = 4


def class_probabilities(
    frequencies: np.ndarray, temperature: float
) -> np.ndarray:
    """DAFormer's ``P(c) = softmax((1 - f_c) / T)``.

    Args:
        frequencies: ``f_c``, the pixel share of each class taking part
            (summing to 1).
        temperature: ``T``; smaller favours rare classes more, ``inf``
            draws classes uniformly.
    """
    logits = (1.0 - np.asarray(frequencies, dtype=np.float64)) / temperature
    weights = np.exp(logits - logits.max())
    return weights / weights.sum()


def draw_generator(seed: int, key: int) -> np.random.Generator:
    """The generator of the RCS draw named by ``(seed, key)``."""
    return np.random.default_rng([seed, RARE_CLASS_TAG, key])


class RareClassSampler:
    """Draws ``(class, source image)`` pairs by DAFormer's rare-class
    sampling, from per-image class pixel counts.

    Args:
        class_pixels: ``(N, C)`` pixels of class ``c`` in source image
            ``i`` (:func:`~mmseg_pfr.datasets.class_stats.load_class_pixels`).
        min_pixels: An image is drawn for class ``c`` only if it holds more
            than this many pixels of ``c`` (DAFormer's ``min_pixels``,
            3000, counted on the full-size label).
        class_temp: The temperature ``T`` (DAFormer: 0.01).
        min_crop_ratio: The crop is re-drawn until ``c`` covers more than
            ``min_pixels * min_crop_ratio`` of its pixels (DAFormer 0.5;
            HRDA and MIC 2.0); 0 keeps the first crop.
        class_names: The classes' names, for messages.

    Raises:
        ValueError: An argument is out of range, or a class of the source
            set has no image with more than ``min_pixels`` of it.
    """

    def __init__(
        self,
        class_pixels: np.ndarray,
        min_pixels: int = 3000,
        class_temp: float = 0.01,
        min_crop_ratio: float = 0.5,
        class_names: Optional[Sequence[str]] = None,
    ) -> None:
        _check_arguments(min_pixels, class_temp, min_crop_ratio)
        class_pixels = np.asarray(class_pixels, dtype=np.int64)
        totals = class_pixels.sum(axis=0)
        if not totals.any():
            raise ValueError(
                'rare-class sampling: the source images have no labelled pixel'
            )
        self.min_pixels = min_pixels
        self.class_temp = class_temp
        self.min_crop_ratio = min_crop_ratio
        self.class_names = class_names
        self.classes = np.flatnonzero(totals)
        frequencies = totals[self.classes] / totals.sum()
        self.probabilities = class_probabilities(frequencies, class_temp)
        self.images: List[np.ndarray] = [
            np.flatnonzero(class_pixels[:, c] > min_pixels)
            for c in self.classes
        ]
        self._check_every_class_has_images(class_pixels)

    @property
    def min_crop_pixels(self) -> float:
        """Pixels of the drawn class a crop must exceed."""
        return self.min_pixels * self.min_crop_ratio

    def draw(self, rng: np.random.Generator) -> Tuple[int, int]:
        """A class by ``P(c)``, then one of its images uniformly.

        Returns:
            ``(class, source index)``.
        """
        k = rng.choice(len(self.classes), p=self.probabilities)
        images = self.images[k]
        return int(self.classes[k]), int(images[rng.integers(len(images))])

    def images_of(self, cls: int) -> np.ndarray:
        """The source indices that can be drawn for class ``cls``."""
        return self.images[int(np.searchsorted(self.classes, cls))]

    def summary(self) -> str:
        """The classes, their probabilities and image counts, one line."""
        return ', '.join(
            f'{self._name(c)} {p:.3g} ({len(images)} images)'
            for c, p, images in zip(
                self.classes, self.probabilities, self.images
            )
        )

    def _name(self, cls: int) -> str:
        if self.class_names is None:
            return f'class {cls}'
        return f'{self.class_names[cls]!r}'

    def _check_every_class_has_images(self, class_pixels: np.ndarray) -> None:
        for cls, images in zip(self.classes, self.images):
            if len(images):
                continue
            holding = int(np.count_nonzero(class_pixels[:, cls]))
            most = int(class_pixels[:, cls].max())
            name = self._name(cls)
            if self.class_names is not None:
                name += f' (id {cls})'
            raise ValueError(
                f'rare-class sampling: {name} is in '
                f'{holding} source images, but in none with more than '
                f'min_pixels={self.min_pixels} pixels of it (at most '
                f'{most}), so it cannot be drawn; set '
                f"rare_class_sampling.min_pixels below {most} (DAFormer's "
                '3000 is for 1914x1052 GTA5 labels: scale it with the '
                'label area)'
            )


def _check_arguments(
    min_pixels: int, class_temp: float, min_crop_ratio: float
) -> None:
    if min_pixels < 0:
        raise ValueError(
            f'rare-class sampling: min_pixels must be >= 0, got {min_pixels}'
        )
    if not class_temp > 0:
        raise ValueError(
            f'rare-class sampling: class_temp must be > 0, got {class_temp}'
        )
    if min_crop_ratio < 0:
        raise ValueError(
            'rare-class sampling: min_crop_ratio must be >= 0, got '
            f'{min_crop_ratio}'
        )


def build_rare_class_sampler(
    dataset: BaseSegDataset, **kwargs
) -> RareClassSampler:
    """A :class:`RareClassSampler` over ``dataset`` from its class
    statistics, after checking that its pipeline can re-draw crops.

    Args:
        dataset: The built source dataset.
        **kwargs: :class:`RareClassSampler`'s options.

    Raises:
        ClassStatsError: The statistics are missing or stale.
        ValueError: ``min_crop_ratio > 0`` but the pipeline has no
            :class:`RareClassRandomCrop`.
    """
    classes = dataset.metainfo['classes']
    sampler = RareClassSampler(
        load_class_pixels(dataset), class_names=classes, **kwargs
    )
    if sampler.min_crop_ratio > 0:
        check_pipeline_crops(dataset, sampler.min_crop_ratio)
    print_log(
        f'Rare-class sampling over {type(dataset).__name__}: '
        f'{sampler.summary()}',
        logger='current',
    )
    return sampler


def check_pipeline_crops(dataset: BaseSegDataset, ratio: float) -> None:
    """Raise unless ``dataset``'s pipeline crops with
    :class:`RareClassRandomCrop`, which does the crop re-draws."""
    transforms = dataset.pipeline.transforms
    if any(isinstance(t, RareClassRandomCrop) for t in transforms):
        return
    crops = [
        type(t).__name__ for t in transforms if 'Crop' in type(t).__name__
    ]
    has = f'has {", ".join(crops)}' if crops else 'has no crop'
    raise ValueError(
        f'UDADataset: rare_class_sampling.min_crop_ratio={ratio} re-draws '
        'the source crop until the drawn class covers enough of it, which '
        f'RareClassRandomCrop does; the source pipeline {has}. Use '
        "dict(type='RareClassRandomCrop', crop_size=..., ...) in the source "
        "pipeline (RandomCrop's arguments; without rare-class sampling it "
        'is RandomCrop), or set rare_class_sampling.min_crop_ratio=0'
    )
