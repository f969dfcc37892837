"""DACS's strong augmentation (Tranheden et al., WACV 2021), shared by the
terms whose student sees an augmented image: ClassMix self-training and
MIC's masked consistency (Hoyer et al., CVPR 2023, whose
``mask_mode='separatetrgaug'`` applies DACS's ``strong_transform`` with the
self-training's colour-jitter settings to the target image).

On normalised image tensors after the data preprocessor, each image is
colour-jittered (kornia 0.5's ``ColorJitter`` on [0, 1] RGB, see
:mod:`.photometric`) with probability ``color_jitter_prob`` and then
Gaussian-blurred with probability ``blur_prob``; every draw comes from a
``torch.Generator``. The order of draws per image (jitter?, its factors,
blur?, its sigma) is what ClassMix has always drawn, so its mixes are
unchanged by the move here.

DAFormer and MIC draw one jitter and one blur per batch; we draw them per
image (ClassMix's documented choice, kept for MIC so that both terms
augment alike).
"""

from typing import NamedTuple, Sequence

import torch
from mmseg.registry import MODELS
from torch import Tensor

from .photometric import color_jitter, gaussian_blur, uniform


class ImageNorm(NamedTuple):
    """How the student's inputs were normalised by the data preprocessor:
    ``x = (raw - mean) / std`` with raw in [0, 255] in ``channel order``."""

    mean: Tensor  # (3, 1, 1)
    std: Tensor  # (3, 1, 1)
    bgr: bool  # True: channels are B, G, R (the caffe models' input)


@MODELS.register_module()
class StrongAugment:
    """DACS's colour jitter and Gaussian blur of normalised images.

    Args:
        color_jitter_strength: ``s`` of the colour jitter (DAFormer 0.2).
        color_jitter_prob: Probability that an image is jittered. DAFormer's
            ``color_jitter_probability=0.2`` is the probability that it is
            *not* (its code jitters when ``U(0, 1) > 0.2``), hence 0.8.
        blur_prob: Probability of the Gaussian blur (DACS 0.5).
        blur_sigma: Range of the blur's sigma (DACS (0.15, 1.15)).
    """

    def __init__(
        self,
        color_jitter_strength: float = 0.2,
        color_jitter_prob: float = 0.8,
        blur_prob: float = 0.5,
        blur_sigma: Sequence[float] = (0.15, 1.15),
    ) -> None:
        self.color_jitter_strength = color_jitter_strength
        self.color_jitter_prob = color_jitter_prob
        self.blur_prob = blur_prob
        self.blur_sigma = tuple(blur_sigma)

    def __call__(
        self, image: Tensor, norm: ImageNorm, gen: torch.Generator
    ) -> Tensor:
        """One normalised (1, 3, h, w) image, jittered (on [0, 1] RGB) and
        blurred, each with its probability."""
        if float(torch.rand((), generator=gen)) < self.color_jitter_prob:
            raw = (image * norm.std + norm.mean) / 255.0
            rgb = raw.flip(1) if norm.bgr else raw
            rgb = color_jitter(rgb, self.color_jitter_strength, gen)
            raw = rgb.flip(1) if norm.bgr else rgb
            image = (raw * 255.0 - norm.mean) / norm.std
        if float(torch.rand((), generator=gen)) < self.blur_prob:
            # Blurring commutes with the per-channel affine normalisation.
            image = gaussian_blur(image, uniform(*self.blur_sigma, gen))
        return image

    def batch(
        self, images: Tensor, norm: ImageNorm, gen: torch.Generator
    ) -> Tensor:
        """Each image of an (N, 3, h, w) batch augmented in turn, with its
        own draws."""
        return torch.cat(
            [self(images[i : i + 1], norm, gen) for i in range(len(images))]
        )
