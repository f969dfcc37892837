"""Thing-class ImageNet feature distance (DAFormer, Hoyer et al., CVPR 2022:
``calc_feat_dist`` and ``masked_feat_dist`` in ``mmseg/models/uda/dacs.py``):
``lambda_fd * L_fd``.

Training on synthetic images drifts the encoder away from the ImageNet
features that recognise thing classes well. DAFormer keeps the student's
bottleneck features close to those of a frozen copy of the
ImageNet-pretrained backbone, on source pixels of the thing classes::

    F_s = student stage (N, C, h, w);  F_I = frozen ImageNet copy's
    y_c = downscale_label_ratio(y_s, (h, w), 0.75)  (cells >= 75% a class)
    M   = y_c in {thing classes}
    L_fd = mean over cells in M of ||F_s - F_I||_2  (over channels)

DAFormer's settings (``configs/_base_/uda/dacs_a999_fdthings.py``):
``lambda_fd = 0.005``, the Cityscapes thing classes 6, 7, 11-18 (traffic
light, traffic sign, person ... bicycle), ``min_ratio = 0.75``, the last
backbone stage (its ``feat[-1]``).

Where we differ from DAFormer's code:

- The stages are the backbone's outputs before any neck (DAFormer takes
  ``extract_feat``, the same for its necks-less models).
- A batch without thing-class cells gives 0 with a zero gradient; DAFormer
  takes the mean of no pixels, NaN in its log (its gradient is zero too).
- Labels whose size is not a multiple of the feature map's are pooled into
  nearly equal cells (:func:`downscale_label_ratio`); DAFormer's 512x512
  crops always divide.

The frozen copy is a third network in memory beside the student and the
teacher (docs/uda_recipe.md gives its measured cost); it has no trainable
parameter, is saved in checkpoints under the term's name and is not
updated by any optimizer.
"""

from typing import Dict, Optional, Sequence

import torch
import torch.nn as nn
from mmseg.registry import MODELS
from torch import Tensor

from ...utils.label_downscale import downscale_label_ratio
from ..step import UDAStep
from ..taps import DomainOutputs, decode_heads
from .base import UDATerm
from .pretrained_copy import frozen_copy, load_pretrained, pretrained_init_cfg

# Cityscapes' thing classes as DAFormer lists them: traffic light, traffic
# sign, person, rider, car, truck, bus, train, motorcycle, bicycle.
THING_CLASSES = (6, 7, 11, 12, 13, 14, 15, 16, 17, 18)


def masked_feature_distance(
    student: Tensor, reference: Tensor, mask: Optional[Tensor]
) -> Tensor:
    """``mean_{cells in mask} ||student - reference||_2`` over channels,
    in float32, of (N, C, h, w) features and an (N, h, w) bool mask (None:
    every cell); 0 with a zero gradient when the mask is empty."""
    distance = torch.norm(student.float() - reference.float(), p=2, dim=1)
    if mask is None:
        return distance.mean()
    if not mask.any():
        return distance.sum() * 0.0
    return distance[mask].mean()


@MODELS.register_module()
class FeatureDistanceTerm(UDATerm):
    """``lambda_fd * L_fd``: the student's backbone features on source
    images against a frozen copy of its ImageNet-pretrained backbone, on
    thing-class cells.

    Args:
        weight: ``lambda_fd``; DAFormer 0.005
            (``imnet_feature_dist_lambda``).
        classes: The classes whose cells are compared (DAFormer's
            ``imnet_feature_dist_classes``: Cityscapes' things); None:
            every cell (DAFormer's ``dacs_fd``, its ablation).
        min_ratio: A cell counts as its class when that class covers at
            least this share of its pixels (DAFormer's
            ``imnet_feature_dist_scale_min_ratio`` 0.75).
        stage: Index into the backbone's outputs: -1 is the last stage
            (DAFormer's bottleneck features).
        init_cfg: Unused: the copy loads the segmentor backbone's
            ``Pretrained`` weights.
    """

    needs_target = False

    def __init__(
        self,
        weight: float = 0.005,
        classes: Optional[Sequence[int]] = THING_CLASSES,
        min_ratio: float = 0.75,
        stage: int = -1,
        init_cfg=None,
    ) -> None:
        super().__init__(weight, init_cfg=init_cfg)
        if not 0 < min_ratio <= 1:
            raise ValueError(
                'FeatureDistanceTerm: min_ratio is a share of a cell, in '
                f'(0, 1]; got {min_ratio}'
            )
        self.classes = None if classes is None else tuple(classes)
        self.min_ratio = min_ratio
        self.stage = stage

    def setup(self, segmentor: nn.Module) -> None:
        """The frozen copy of the segmentor's backbone (weights loaded by
        :meth:`init_weights`) and the number of classes."""
        self.imnet_backbone = frozen_copy(
            segmentor.backbone, 'the feature distance (FeatureDistanceTerm)'
        )
        self.num_classes = decode_heads(segmentor)[-1].num_classes

    def train(self, mode: bool = True) -> 'FeatureDistanceTerm':
        """The ImageNet copy always computes in eval mode."""
        super().train(mode)
        self.imnet_backbone.eval()
        return self

    def init_weights(self) -> None:
        """Load the ImageNet weights into the copy (every weight, or an
        error naming the file)."""
        cfg = pretrained_init_cfg(self.imnet_backbone)
        load_pretrained(self.imnet_backbone, cfg)
        self._is_init = True

    def describe(self, outputs: DomainOutputs) -> str:
        """The stage compared, with its channels and size."""
        feature = outputs.stages[self.stage]
        where = (
            'every cell'
            if self.classes is None
            else f'cells >= {self.min_ratio:.0%} one of classes '
            f'{list(self.classes)}'
        )
        return (
            f'backbone stage {self.stage} ({feature.shape[1]} ch, '
            f'{feature.shape[2]}x{feature.shape[3]}) of source images vs '
            f'the frozen ImageNet copy, on {where}'
        )

    def thing_mask(self, step: UDAStep, size: torch.Size) -> Tensor:
        """(N, h, w): the feature cells of the compared classes."""
        cells = downscale_label_ratio(
            step.source_labels(),
            tuple(size),
            self.min_ratio,
            self.num_classes,
            step.ignore_index,
        )
        classes = torch.tensor(self.classes, device=cells.device)
        return torch.isin(cells, classes)

    def loss(self, step: UDAStep) -> Dict[str, Tensor]:
        """``lambda_fd * L_fd`` on the source batch."""
        student = step.outputs['source'].stages[self.stage]
        with torch.no_grad():
            reference = self.imnet_backbone(step.stage_inputs('source'))
        mask = (
            None
            if self.classes is None
            else self.thing_mask(step, student.shape[2:])
        )
        distance = masked_feature_distance(
            student, reference[self.stage], mask
        )
        return dict(loss_feat_dist=self.weight * distance)
