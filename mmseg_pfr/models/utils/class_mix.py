"""ClassMix (Olsson et al., WACV 2021) as DACS uses it for UDA (Tranheden et
al., WACV 2021): half of the classes of a labelled source image are pasted
onto an unlabelled target image, and the labels follow the same mask (source
labels where pasted, the teacher's pseudo-labels elsewhere). The mixed
image is then colour-jittered and blurred (DACS's strong augmentation,
:class:`~.strong_augment.StrongAugment`, shared with MIC).

It works on batched tensors after the data preprocessor (no data-pipeline
transform), and every random choice comes from a ``torch.Generator``, so a
step's mix depends only on its seed.

Where DACS/DAFormer are loose or silent, our choices:

- The classes are those present in *this* source image, the ignore label
  excluded; ``ceil(n / 2)`` of the ``n`` are pasted (DACS's
  ``(n + n % 2) / 2``). DAFormer takes ``torch.unique`` over the whole
  batch's labels, ignore label included.
- Source and target images of different sizes (GTA5 1280x720 and
  Cityscapes 1024x512 in AdaptSegNet's protocol; DACS crops both to
  512x512) are mixed at the target's size: the source image and label are
  cropped to it at a random offset, or resized when the source is smaller
  (bilinear for the image, nearest for the label).
- Jitter and blur are drawn per image (DAFormer draws them per batch).
"""

import math
from typing import NamedTuple, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

# ImageNorm is imported from here by the UDA step.
from .strong_augment import ImageNorm, StrongAugment

__all__ = ['ClassMix', 'ImageNorm', 'MixedBatch', 'class_mask', 'fit_to']


class MixedBatch(NamedTuple):
    """What the student learns from."""

    image: Tensor  # (N, 3, h, w) normalised, as the student's input
    label: Tensor  # (N, h, w) long: source labels where pasted, else pseudo
    weight: Tensor  # (N, h, w) float: 1 where pasted, else pseudo weight
    mask: Tensor  # (N, h, w) bool: True where the pixel is the source's


def class_mask(
    label: Tensor, ignore_index: int, gen: torch.Generator
) -> Tensor:
    """Pixels of ``ceil(n / 2)`` of the ``n`` classes in one (h, w) label
    map, chosen at random; the ignore label is never chosen."""
    classes = torch.unique(label)
    classes = classes[classes != ignore_index]
    count = math.ceil(classes.numel() / 2)
    order = torch.randperm(classes.numel(), generator=gen)[:count]
    return torch.isin(label, classes[order.to(classes.device)])


def fit_to(
    image: Tensor, label: Tensor, size: Tuple[int, int], gen: torch.Generator
) -> Tuple[Tensor, Tensor]:
    """One (3, H, W) image and its (H, W) label at ``size`` (h, w): a crop at
    a random offset when large enough, else a resize."""
    h, w = size
    height, width = label.shape
    if height >= h and width >= w:
        top = int(torch.randint(height - h + 1, (), generator=gen))
        left = int(torch.randint(width - w + 1, (), generator=gen))
        return (
            image[:, top : top + h, left : left + w],
            label[top : top + h, left : left + w],
        )
    image = F.interpolate(
        image[None], size, mode='bilinear', align_corners=False
    )[0]
    label = F.interpolate(label[None, None].float(), size, mode='nearest')
    return image, label[0, 0].long()


@MODELS.register_module()
class ClassMix:
    """ClassMix with DACS's colour jitter and Gaussian blur (the first four
    arguments are those of its :class:`StrongAugment`, ``strong_augment``).

    Args:
        color_jitter_strength: ``s`` of the colour jitter (DAFormer 0.2).
        color_jitter_prob: Probability that an image is jittered. DAFormer's
            ``color_jitter_probability=0.2`` is the probability that it is
            *not* (its code jitters when ``U(0, 1) > 0.2``), hence 0.8.
        blur_prob: Probability of the Gaussian blur (DACS 0.5).
        blur_sigma: Range of the blur's sigma (DACS (0.15, 1.15)).
        ignore_index: The ignore label, never pasted.
    """

    def __init__(
        self,
        color_jitter_strength: float = 0.2,
        color_jitter_prob: float = 0.8,
        blur_prob: float = 0.5,
        blur_sigma: Sequence[float] = (0.15, 1.15),
        ignore_index: int = 255,
    ) -> None:
        # What the student sees is the mix, colour-jittered and blurred.
        self.strong_augment = StrongAugment(
            color_jitter_strength, color_jitter_prob, blur_prob, blur_sigma
        )
        self.ignore_index = ignore_index

    def __call__(
        self,
        source_image: Tensor,
        source_label: Tensor,
        target_image: Tensor,
        pseudo_label: Tensor,
        pseudo_weight: Tensor,
        norm: ImageNorm,
        gen: torch.Generator,
    ) -> MixedBatch:
        """Mix each source image into its paired target image.

        Args:
            source_image: (N, 3, H, W) normalised source inputs.
            source_label: (N, H, W) source labels.
            target_image: (N, 3, h, w) normalised target inputs.
            pseudo_label: (N, h, w) the teacher's labels of the targets.
            pseudo_weight: (N, h, w) their per-pixel weights.
            norm: How the inputs were normalised (for the colour jitter).
            gen: Source of every random choice.
        """
        size = tuple(target_image.shape[-2:])
        images, labels, masks = [], [], []
        for i in range(len(target_image)):
            src, label = fit_to(source_image[i], source_label[i], size, gen)
            mask = class_mask(label, self.ignore_index, gen)
            mixed = torch.where(mask, src, target_image[i])
            images.append(self.strong_augment(mixed[None], norm, gen))
            labels.append(torch.where(mask, label, pseudo_label[i]))
            masks.append(mask)
        mask = torch.stack(masks)
        weight = torch.where(mask, 1.0, pseudo_weight.float())
        return MixedBatch(torch.cat(images), torch.stack(labels), weight, mask)
