"""HRDA's multi-resolution training and inference around any mmseg
``EncoderDecoder`` (Hoyer et al., ECCV 2022).

The wrapped segmentor's backbone, neck and heads are this segmentor's own,
under the same state-dict keys (a plain mmseg checkpoint of it loads; the
scale attention head ``scale_attention.*`` is the only addition), and its
``decode_head`` predicts at both scales. One training forward::

    x (N, 3, H, W), e.g. a 1024x1024 crop of a full-resolution image
      context: x_c = down(x, s_c)           (HRDA s_c = 0.5: 512x512)
      detail:  x_d = crop(x, box)           (512x512, box on a grid of 8)
      P_c = head(f(x_c)),  P_d = head(f(x_d)),  a = sigmoid(att(f(x_c)))
      P_f = a * P_d + up((1 - a) * P_c)     (a zero outside the box)
    L = (1 - l_d - l_c) L_ce(P_f, y) + l_d L_ce(P_d, crop(y, box))
        + l_c L_ce((1 - a) P_c, y)          (HRDA l_d = 0.1, l_c = 0)

Inference (``encode_decode``, within mmseg's whole or slide inference):
the context of the whole window, and the detail as overlapping crops
(HRDA's 512 windows, stride 256) averaged on the detail grid; ``P_f`` with
no mask, resized to the window. Every step is HRDA's
(:mod:`.multi_res`); the differences are listed in docs/hrda.md.
"""

import copy
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.structures import PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import ConfigType, OptConfigType, SampleList, add_prefix
from torch import Tensor

from ..losses.weighted_cross_entropy import weighted_cross_entropy
from ..utils.random_streams import current_iteration, stream_generator
from .multi_res import Box, assemble, crop, crop_box, fuse, slide_boxes


class MultiResOutput(NamedTuple):
    """One training forward at both scales."""

    fused: Tensor  # P_f (N, C, h, w) on the detail grid of the input
    context: Tensor  # (1 - a) * P_c on the context grid
    detail: Tensor  # P_d on the detail crop's grid
    box: Box  # the detail crop, in input pixels at detail scale
    context_features: Tuple[Tensor, ...]  # f(x_c): the auxiliary heads'


@MODELS.register_module()
class MultiResEncoderDecoder(EncoderDecoder):
    """HRDA around the mmseg ``EncoderDecoder`` ``segmentor``.

    Args:
        segmentor: Config of any mmseg ``EncoderDecoder`` (a zoo model as it
            is): its backbone, neck, heads, data preprocessor and
            ``test_cfg`` become this segmentor's.
        scales: ``(s_c, s_d)``: the context's and the detail's scale of the
            input (HRDA (0.5, 1)).
        detail_crop: (h, w) of the detail crop at detail scale (HRDA 512,
            512: half of its 1024x1024 training crops).
        crop_divisible: The detail crop's corner lies on a grid of this
            many pixels (HRDA 8: output stride 4 at half scale), so that it
            falls on the context's cells.
        attention_head: Config of the scale attention head (a decode head
            reading the context features); None: a copy of the decode
            head's config (HRDA's for DeepLab-v2; for DAFormer's head HRDA
            uses a lighter one: configs/_base_/models/hrda_*.py).
        attention_classwise: One attention map per class (HRDA), or one
            for all.
        detail_loss_weight: ``l_d`` (HRDA's ``hr_loss_weight`` 0.1).
        context_loss_weight: ``l_c`` (HRDA's ``lr_loss_weight`` 0).
        detail_slide: At inference, the detail as overlapping crops of
            ``detail_crop`` (HRDA's ``hr_slide_inference``); False: the
            whole window at detail scale.
        detail_slide_overlap: Those crops at a stride of half their size
            (HRDA), else of their size.
        init_cfg: Initialisation config.
    """

    def __init__(
        self,
        segmentor: ConfigType,
        scales: Sequence[float] = (0.5, 1.0),
        detail_crop: Sequence[int] = (512, 512),
        crop_divisible: int = 8,
        attention_head: OptConfigType = None,
        attention_classwise: bool = True,
        detail_loss_weight: float = 0.1,
        context_loss_weight: float = 0.0,
        detail_slide: bool = True,
        detail_slide_overlap: bool = True,
        init_cfg: OptConfigType = None,
    ) -> None:
        cfg = copy.deepcopy(dict(segmentor))
        cfg.pop('_scope_', None)  # mmengine's mark of an mmseg:: base
        kind = cfg.pop('type', 'EncoderDecoder')
        if kind != 'EncoderDecoder':
            raise ValueError(
                f'MultiResEncoderDecoder wraps an EncoderDecoder; '
                f'segmentor.type is {kind!r}'
            )
        cfg.setdefault('init_cfg', init_cfg)
        super().__init__(**cfg)
        self.scales = tuple(sorted(scales))
        self.detail_crop = tuple(detail_crop)
        self.crop_divisible = crop_divisible
        self.detail_loss_weight = detail_loss_weight
        self.context_loss_weight = context_loss_weight
        self.detail_slide = detail_slide
        self.detail_slide_overlap = detail_slide_overlap
        self._init_attention(attention_head, cfg, attention_classwise)
        self._draws = (-1, 0)  # (iteration, detail crops drawn in it)
        # Every training forward's MultiResOutput passes through here, where
        # the UDA model's taps read it (its own losses need all of it).
        self.multi_res_output = nn.Identity()

    def _init_attention(
        self, head: OptConfigType, cfg: dict, classwise: bool
    ) -> None:
        head = copy.deepcopy(dict(head or cfg['decode_head']))
        head['num_classes'] = self.num_classes if classwise else 1
        self.scale_attention = MODELS.build(head)

    def describe_scales(self) -> str:
        """What it trains on, for the first iteration's log."""
        (h, w), (c, d) = self.detail_crop, self.scales
        return (
            f'multi-resolution (HRDA): the context at scale {c:g}, detail '
            f'crops of {h}x{w} at scale {d:g} on a grid of '
            f'{self.crop_divisible}, detail loss weight '
            f"{self.detail_loss_weight:g}; the terms read the context's "
            'stages and features'
        )

    # --- one scale -------------------------------------------------------

    def scaled(self, inputs: Tensor, scale: float) -> Tensor:
        """``inputs`` resized by ``scale`` (bilinear, the decode head's
        ``align_corners``)."""
        if scale == 1:
            return inputs
        return resize(
            inputs,
            scale_factor=scale,
            mode='bilinear',
            align_corners=self.align_corners,
        )

    def features(self, inputs: Tensor) -> Tuple[Tensor, ...]:
        """The backbone's (and neck's) features of ``inputs`` as they are:
        mmseg's ``extract_feat``."""
        return tuple(super().extract_feat(inputs))

    def context_input(self, inputs: Tensor) -> Tensor:
        """``x_c``: the input at the context's scale."""
        return self.scaled(inputs, self.scales[0])

    def extract_feat(self, inputs: Tensor) -> List[Tensor]:
        """The context's features ``f(x_c)`` (HRDA's ``feature_scale``
        0.5: what its feature distance reads)."""
        return list(self.features(self.context_input(inputs)))

    # --- training ----------------------------------------------------------

    def draw_box(self, size: Sequence[int]) -> Box:
        """A detail crop of an input of ``size`` (at detail scale), from
        the iteration's ``detail_crop`` random stream: each forward of an
        iteration draws its own, a resumed run the same."""
        iteration = current_iteration()
        count = self._draws[1] + 1 if self._draws[0] == iteration else 0
        self._draws = (iteration, count)
        generator = stream_generator(f'detail_crop/{count}')
        return crop_box(size, self.detail_crop, self.crop_divisible, generator)

    def multi_res_forward(
        self, inputs: Tensor, box: Optional[Box] = None
    ) -> MultiResOutput:
        """Context, detail crop (``box``, drawn when None) and their fusion
        (HRDA's ``_forward_train_features`` and ``HRDAHead.forward``)."""
        context_input = self.context_input(inputs)
        detail_input = self.scaled(inputs, self.scales[1])
        if box is None:
            box = self.draw_box(detail_input.shape[2:])
        context_features = self.features(context_input)
        detail_features = self.features(crop(detail_input, box))
        context = self.decode_head(context_features)
        detail = self.decode_head(detail_features)
        fused, attenuated = fuse(
            context,
            detail,
            self.attention(context_features),
            box,
            self.output_stride(self.detail_crop, detail),
            self.scales,
            self.align_corners,
        )
        return self.multi_res_output(
            MultiResOutput(fused, attenuated, detail, box, context_features)
        )

    def attention(self, context_features: Sequence[Tensor]) -> Tensor:
        """``a = sigmoid(att(f(x_c)))``."""
        return torch.sigmoid(self.scale_attention(context_features))

    @staticmethod
    def output_stride(crop_size: Sequence[int], logits: Tensor) -> int:
        """Input pixels per logit cell, from a crop and its logits."""
        stride = crop_size[0] // logits.shape[2]
        if stride * logits.shape[2] != crop_size[0]:
            raise ValueError(
                f'the detail crop {tuple(crop_size)} gives {logits.shape[2]}'
                ' rows of logits: make its size a multiple of the output '
                'stride'
            )
        return stride

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """HRDA's losses (:meth:`multi_res_loss`) and the auxiliary heads'
        on the context features (HRDA has none; the whole crop is what
        their labels cover)."""
        out = self.multi_res_forward(inputs)
        losses = self.multi_res_loss(out, data_samples)
        if self.with_auxiliary_head:
            losses.update(
                self._auxiliary_head_forward_train(
                    list(out.context_features), data_samples
                )
            )
        return losses

    def multi_res_loss(
        self, out: MultiResOutput, data_samples: SampleList
    ) -> Dict[str, Tensor]:
        """``(1 - l_d - l_c) L(P_f)`` (``decode.*``), ``l_d L(P_d)`` on the
        cropped labels (``decode.detail.*``) and ``l_c L((1 - a) P_c)``
        (``decode.context.*``), each the decode head's ``loss_by_feat``."""
        head = self.decode_head
        fused_weight = 1 - self.detail_loss_weight - self.context_loss_weight
        losses = weighted(head.loss_by_feat(out.fused, data_samples),
                          fused_weight)  # fmt: skip
        if self.context_loss_weight > 0:
            context = head.loss_by_feat(out.context, data_samples)
            losses.update(add_prefix(
                weighted(context, self.context_loss_weight), 'context'
            ))  # fmt: skip
        if self.detail_loss_weight > 0:
            cropped = cropped_samples(data_samples, out.box)
            detail = head.loss_by_feat(out.detail, cropped)
            losses.update(add_prefix(
                weighted(detail, self.detail_loss_weight), 'detail'
            ))  # fmt: skip
        return add_prefix(losses, 'decode')

    def weighted_loss(
        self, out: MultiResOutput, label: Tensor, weight: Tensor
    ) -> Tensor:
        """HRDA's losses against per-pixel weighted labels (pseudo-labels
        of mixed or masked target images, HRDA's ``seg_weight``):
        ``(1 - l_d - l_c) wCE(P_f) + l_d wCE(P_d, crop(y), crop(w))
        + l_c wCE((1 - a) P_c)``, ``wCE = mean(w * CE(up(P), y))``.

        Args:
            out: The student's forward on the image.
            label: (N, H, W) labels of the image.
            weight: (N, H, W) their weights.
        """

        def wce(logits: Tensor, y: Tensor, w: Tensor) -> Tensor:
            return weighted_cross_entropy(
                logits, y, w, self.align_corners, self.decode_head.ignore_index
            )

        fused_weight = 1 - self.detail_loss_weight - self.context_loss_weight
        loss = fused_weight * wce(out.fused, label, weight)
        if self.context_loss_weight > 0:
            context = wce(out.context, label, weight)
            loss = loss + self.context_loss_weight * context
        if self.detail_loss_weight > 0:
            detail = wce(
                out.detail, crop(label, out.box), crop(weight, out.box)
            )
            loss = loss + self.detail_loss_weight * detail
        return loss

    def _forward(
        self, inputs: Tensor, data_samples: Optional[SampleList] = None
    ) -> Tensor:
        """``P_f``: of a drawn detail crop in training, of the sliding
        detail crops in eval mode (on the detail grid, not resized)."""
        if self.training:
            return self.multi_res_forward(inputs).fused
        return self.multi_res_inference(inputs)

    # --- inference ---------------------------------------------------------

    def multi_res_inference(self, inputs: Tensor) -> Tensor:
        """``P_f`` of the whole input with no attention mask (HRDA's
        ``encode_decode`` before its resize)."""
        context_features = self.features(self.context_input(inputs))
        context = self.decode_head(context_features)
        detail = self.detail_inference(self.scaled(inputs, self.scales[1]))
        fused, _ = fuse(
            context,
            detail,
            self.attention(context_features),
            None,
            1,  # no box: no crop to place on either grid
            self.scales,
            self.align_corners,
        )
        return fused

    def detail_inference(self, inputs: Tensor) -> Tensor:
        """``P_d`` of the whole input at detail scale: overlapping detail
        crops, batched and averaged (HRDA's ``extract_slide_feat`` and
        ``decode_hr``), or one forward without ``detail_slide``."""
        if not self.detail_slide:
            return self.decode_head(self.features(inputs))
        stride = (
            [c // 2 for c in self.detail_crop]
            if self.detail_slide_overlap
            else self.detail_crop
        )
        boxes = slide_boxes(inputs.shape[2:], self.detail_crop, stride)
        crops = torch.cat([crop(inputs, box) for box in boxes])
        logits = self.decode_head(self.features(crops))
        window = (boxes[0][1] - boxes[0][0], boxes[0][3] - boxes[0][2])
        scale = self.output_stride(window, logits)
        cells = [tuple(v // scale for v in box) for box in boxes]
        return assemble(logits, cells, inputs.shape[0])

    def encode_decode(
        self, inputs: Tensor, batch_img_metas: List[dict]
    ) -> Tensor:
        """``P_f`` resized to the input window, for mmseg's whole and slide
        inference."""
        return self.decode_head.predict_by_feat(
            self.multi_res_inference(inputs), batch_img_metas
        )


def weighted(losses: Dict[str, Tensor], weight: float) -> Dict[str, Tensor]:
    """Every loss of a head's loss dict times ``weight``; its other logged
    values (accuracy) as they are."""
    return {k: v * weight if 'loss' in k else v for k, v in losses.items()}


def cropped_samples(samples: SampleList, box: Box) -> SampleList:
    """Copies of data samples whose labels are cropped to ``box``."""
    cropped = []
    for sample in samples:
        label = crop(sample.gt_sem_seg.data, box)
        new = SegDataSample(metainfo=dict(sample.metainfo))
        new.gt_sem_seg = PixelData(data=label)
        cropped.append(new)
    return cropped
