"""Masked image consistency (MIC, Hoyer et al., CVPR 2023):
``lambda_mic * L_mic``.

The student sees the colour-augmented target image with random blocks
masked out and learns the mean teacher's pseudo-labels of the *full*
image, so that it must infer the masked regions from their context::

    x_aug = StrongAugment(x_t)                  (colour jitter, blur)
    x_M   = M * x_aug                           (M: block mask, ratio 0.7)
    L_mic = mean(w_t * CE(up(student(x_M)), y_hat))

``y_hat, w_t`` are the pseudo-labels and their weight from
:meth:`UDAStep.pseudo_labels`, the same ones self-training learns from
(MIC's ``mask_alpha='same'``, ``mask_pseudo_threshold='same'``: one
teacher, one threshold), so the rows DAFormer ignores get weight 0 here
too. This is MIC's ``mask_mode='separatetrgaug'``, the setting of all its
Cityscapes results (``seg/configs/mic/gtaHR2csHR_mic_hrda.py``).

Block size: MIC masks 64x64 blocks of HRDA's 1024x1024 crops of
full-resolution images, and 32x32 blocks of DAFormer's 512x512 crops of
half-resolution ones (``seg/experiments.py``, experiment 81: "Use half the
patch size when training with half resolution"): both are 64 pixels per
1024 input rows. We scale the block with the input height the same way,
``b = round(block_size * H / reference_height)`` (at least 1), defaults
``block_size=64, reference_height=1024``: 32 on 512-row Cityscapes crops
or whole 1024x512 images, 8 on the synthetic set's 128-row crops.
``reference_height=None`` keeps ``block_size`` whatever the input.
"""

from typing import Dict, Optional

from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from ...utils.block_mask import block_mask, scaled_block_size
from ..step import UDAStep
from ..taps import DomainOutputs
from .base import UDATerm


@MODELS.register_module()
class MaskedConsistencyTerm(UDATerm):
    """``lambda_mic * L_mic``: the student on masked, augmented target
    images against the teacher's pseudo-labels of the full images.

    Args:
        weight: ``lambda_mic``, MIC's ``mask_lambda``; 1 in all its
            configs.
        mask_ratio: ``r``, the probability that a block is masked (MIC
            0.7).
        block_size: ``b`` in pixels at ``reference_height`` rows (MIC 64 at
            1024 rows).
        reference_height: The input height at which the block is
            ``block_size``; None: ``block_size`` at every input size.
        augment: Config of the colour augmentation before masking
            (:class:`StrongAugment`, the same as self-training's: MIC reads
            DACS's colour-jitter settings).
    """

    needs_teacher = True

    def __init__(
        self,
        weight: float = 1.0,
        mask_ratio: float = 0.7,
        block_size: int = 64,
        reference_height: Optional[int] = 1024,
        augment: ConfigType = dict(type='StrongAugment'),
        init_cfg=None,
    ) -> None:
        super().__init__(weight, init_cfg=init_cfg)
        if not 0 <= mask_ratio < 1:
            raise ValueError(
                f'MaskedConsistencyTerm: mask_ratio is the share of blocks '
                f'masked, in [0, 1); got {mask_ratio}'
            )
        if block_size < 1 or (reference_height or 1) < 1:
            raise ValueError(
                'MaskedConsistencyTerm: block_size and reference_height '
                f'are pixels, >= 1; got {block_size} and {reference_height}'
            )
        self.mask_ratio = mask_ratio
        self.block_size = block_size
        self.reference_height = reference_height
        self.augment = MODELS.build(augment)

    def block_for(self, height: int) -> int:
        """The block size in pixels for inputs ``height`` rows high."""
        return scaled_block_size(
            self.block_size, height, self.reference_height
        )

    def describe(self, outputs: DomainOutputs) -> str:
        """The mask: its ratio and the block size rule."""
        if self.reference_height is None:
            block = f'{self.block_size} px blocks'
        else:
            block = (
                f'blocks of round({self.block_size} * H / '
                f'{self.reference_height}) px (H: the input height)'
            )
        return (
            f'the student learns the pseudo-labels from the augmented '
            f'target image with {self.mask_ratio:.0%} of its {block} masked'
        )

    def masked_target(self, step: UDAStep) -> Tensor:
        """The augmented, masked target batch, drawn from the step's
        ``'mic'`` random stream (augmentation first, then the mask)."""
        gen = step.generator('mic')
        target = step.inputs['target']
        image = self.augment.batch(target, step.image_norm(), gen)
        block = self.block_for(target.shape[2])
        mask = block_mask(target.shape, self.mask_ratio, block, gen)
        return image * mask.to(image)

    def loss(self, step: UDAStep) -> Dict[str, Tensor]:
        """The weighted cross-entropy of the student on the masked batch."""
        pseudo = step.pseudo_labels()
        loss = step.student_loss(
            self.masked_target(step), pseudo.label, pseudo.weight
        )
        return dict(loss_ce=self.weight * loss)
