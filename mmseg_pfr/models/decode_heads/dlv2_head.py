"""DeepLab-v2's ASPP classifier (Chen et al., TPAMI 2017).

The classifier of the PFR paper's network M: parallel 3x3 convolutions with
different dilation rates, each mapping the last backbone stage straight to
class scores, summed. AdaptSegNet's released ``Classifier_Module`` returns
after its second branch, so the head those results come from is effectively
``dilations=(6, 12)``; pass that to reproduce it.
"""

from typing import Dict, List, Sequence

import torch
import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor


@MODELS.register_module()
class DLV2Head(BaseDecodeHead):
    """Sum of dilated 3x3 convolutions from ``in_channels`` to classes.

    Args:
        dilations: One branch per dilation rate. (6, 12, 18, 24) is
            DeepLab-v2's ASPP-L; (6, 12) is AdaptSegNet's effective head.
        in_index: The backbone stage classified (the last of four by
            default).
        init_cfg: Branch weights N(0, 0.01) as in DeepLab-v2, biases 0.
        **kwargs: The rest of :class:`BaseDecodeHead` (``in_channels``,
            ``num_classes``, ``loss_decode``, ``align_corners``, ...). The head
            has no hidden layer, dropout or normalisation, so ``channels``,
            ``dropout_ratio`` and ``norm_cfg`` are not accepted.
    """

    def __init__(
        self,
        dilations: Sequence[int] = (6, 12, 18, 24),
        in_index: int = 3,
        init_cfg: dict = dict(type='Normal', std=0.01, layer='Conv2d'),
        **kwargs,
    ) -> None:
        for key in ('channels', 'dropout_ratio', 'norm_cfg'):
            if key in kwargs:
                raise TypeError(
                    f'DLV2Head does not take {key!r}: its '
                    'branches map features straight to classes'
                )
        super().__init__(
            channels=1,
            dropout_ratio=0,
            in_index=in_index,
            init_cfg=init_cfg,
            **kwargs,
        )
        # BaseDecodeHead's 1x1 classifier is replaced by the branches.
        del self.conv_seg
        self.dilations = tuple(dilations)
        self.aspp = nn.ModuleList(
            nn.Conv2d(
                self.in_channels, self.out_channels, 3, padding=d, dilation=d
            )
            for d in self.dilations
        )

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """Class scores (N, num_classes, H, W) of the selected stage."""
        x = self._transform_inputs(inputs)
        return sum(branch(x) for branch in self.aspp)

    def loss_by_feat(
        self, seg_logits: Tensor, batch_data_samples: SampleList
    ) -> Dict[str, Tensor]:
        """mmseg's loss and ``acc_seg``, computed without a host
        synchronisation, so that a compiled training step has no graph
        break: mmseg's ``avg_non_ignore`` counts labelled pixels with
        ``.item()`` and its accuracy indexes with a boolean mask (a
        data-dependent shape). Here the count stays a tensor, passed as the
        losses' ``avg_factor`` (the same mean), and the accuracy is a masked
        sum. A pixel sampler or class weights take mmseg's own path."""
        losses = list(
            self.loss_decode
            if isinstance(self.loss_decode, nn.ModuleList)
            else [self.loss_decode]
        )
        if self.sampler is not None or any(
            getattr(loss, 'class_weight', None) is not None for loss in losses
        ):
            return super().loss_by_feat(seg_logits, batch_data_samples)
        label = self._stack_batch_gt(batch_data_samples)
        seg_logits = resize(
            seg_logits,
            size=label.shape[2:],
            mode='bilinear',
            align_corners=self.align_corners,
        )
        label = label.squeeze(1)
        valid = label != self.ignore_index
        count = valid.sum()
        out: Dict[str, Tensor] = {}
        for loss in losses:
            value = loss(
                seg_logits,
                label,
                ignore_index=self.ignore_index,
                avg_factor=count
                if getattr(loss, 'avg_non_ignore', 0)
                else None,
            )
            out[loss.loss_name] = out.get(loss.loss_name, 0) + value
        correct = (seg_logits.argmax(dim=1) == label) & valid
        eps = torch.finfo(torch.float32).eps
        out['acc_seg'] = correct.sum().float() * 100.0 / (count + eps)
        return out
