"""DAFormer's decoder with context-aware feature fusion (Hoyer et al.,
CVPR 2022).

Each backbone stage is embedded by a per-pixel linear map and upsampled to
the first stage's size; the concatenated embeddings are fused by ASPP-like
parallel branches (a 1x1 convolution and depthwise-separable 3x3
convolutions at dilations 6, 12 and 18, each with BN and ReLU) and a 3x3
bottleneck, then classified. The network of DAFormer's 68.3 mIoU (GTA5 ->
Cityscapes) and HRDA's. Parameter names are those of the authors' module
(``lhoyer/DAFormer`` ``mmseg/models/decode_heads/daformer_head.py``), so
their head weights load without a key mapping; the branches are mmseg's own
``ASPPModule`` / ``DepthwiseSeparableASPPModule``.
"""

from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.aspp_head import ASPPModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.decode_heads.sep_aspp_head import (
    DepthwiseSeparableASPPModule,
)
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from torch import Tensor


class LinearEmbedding(nn.Module):
    """One linear map applied at every pixel: SegFormer's and DAFormer's
    ``MLP`` (a ``Linear`` named ``proj``), returning a feature map.

    Args:
        in_channels: Channels of the stage embedded.
        embed_dim: Channels of the embedding.
    """

    def __init__(self, in_channels: int, embed_dim: int) -> None:
        super().__init__()
        self.proj = nn.Linear(in_channels, embed_dim)

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, embed_dim, H, W)."""
        n, _, h, w = x.shape
        tokens = self.proj(x.flatten(2).transpose(1, 2).contiguous())
        return tokens.transpose(1, 2).contiguous().reshape(n, -1, h, w)


class ContextAwareFusion(nn.Module):
    """DAFormer's fusion (its ``ASPPWrapper``): parallel ASPP branches on the
    concatenated embeddings, optionally an image-pooling branch, and a 3x3
    bottleneck over their concatenation.

    Args:
        in_channels: Channels of the concatenated embeddings.
        channels: Channels of each branch and of the output.
        dilations: One branch per rate; rate 1 is a 1x1 convolution.
        separable: Depthwise-separable 3x3 branches (DAFormer) rather than
            full 3x3 convolutions (its "w/o DSC" ablation).
        pool: Add ASPP's global-average-pooling branch first.
        norm_cfg: Normalisation after every convolution.
        act_cfg: Activation after every normalisation.
        align_corners: ``align_corners`` of the pooled branch's upsampling.
    """

    def __init__(
        self,
        in_channels: int,
        channels: int,
        dilations: Sequence[int],
        separable: bool,
        pool: bool,
        norm_cfg: Optional[dict],
        act_cfg: Optional[dict],
        align_corners: bool,
    ) -> None:
        super().__init__()
        self.align_corners = align_corners
        self.image_pool = (
            nn.Sequential(
                nn.AdaptiveAvgPool2d(1),
                ConvModule(
                    in_channels,
                    channels,
                    1,
                    norm_cfg=norm_cfg,
                    act_cfg=act_cfg,
                ),
            )
            if pool
            else None
        )
        branches = DepthwiseSeparableASPPModule if separable else ASPPModule
        self.aspp_modules = branches(
            dilations=tuple(dilations),
            in_channels=in_channels,
            channels=channels,
            conv_cfg=None,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
        )
        self.bottleneck = ConvModule(
            (len(dilations) + int(pool)) * channels,
            channels,
            3,
            padding=1,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
        )

    def forward(self, x: Tensor) -> Tensor:
        """(N, in_channels, H, W) -> (N, channels, H, W)."""
        outs = []
        if self.image_pool is not None:
            pooled = self.image_pool(x)
            outs.append(
                resize(
                    pooled,
                    size=x.shape[2:],
                    mode='bilinear',
                    align_corners=self.align_corners,
                )
            )
        outs.extend(self.aspp_modules(x))
        return self.bottleneck(torch.cat(outs, dim=1))


# The fusions of DAFormer's fusion_cfg offered here.
FUSIONS = ('aspp', 'conv')


@MODELS.register_module()
class DAFormerHead(BaseDecodeHead):
    """DAFormer's decoder; the defaults are DAFormer's
    (``configs/_base_/models/daformer_sepaspp_mitb5.py``).

    Args:
        embed_dims: Channels of each stage's embedding (one for all, or one
            per stage): 256.
        channels: Channels of the fusion's branches and of its output, the
            classifier's input: 256.
        dilations: Rates of the fusion's branches: (1, 6, 12, 18).
        separable: Depthwise-separable dilated branches: True (False is
            DAFormer's "w/o DSC" ablation, ``daformer_aspp_mitb5.py``).
        pool: ASPP's image-pooling branch: False.
        fusion: ``'aspp'`` (default): the context-aware fusion above;
            ``'conv'``: one 1x1 convolution (BN, ReLU), DAFormer's
            ``fusion_cfg=dict(type='conv', kernel_size=1)``, which HRDA's
            scale attention head uses (``dilations``, ``separable`` and
            ``pool`` then unused).
        in_index: The stages decoded, all of MiT's four: (0, 1, 2, 3).
            Embeddings are upsampled to the first one's size.
        norm_cfg: Normalisation of the fusion's convolutions: BN (SyncBN in
            mmseg's SegFormer configs; the embeddings have none).
        **kwargs: The rest of :class:`BaseDecodeHead`, with DAFormer's
            values: ``in_channels`` (MiT-B5's [64, 128, 320, 512]),
            ``num_classes``, ``dropout_ratio`` (0.1, before the classifier),
            ``act_cfg`` (ReLU), ``align_corners`` (False), ``loss_decode``.
            The stages always arrive as a list (``multiple_select``).
    """

    def __init__(
        self,
        embed_dims: Union[int, Sequence[int]] = 256,
        channels: int = 256,
        dilations: Sequence[int] = (1, 6, 12, 18),
        separable: bool = True,
        pool: bool = False,
        fusion: str = 'aspp',
        in_index: Sequence[int] = (0, 1, 2, 3),
        norm_cfg: Optional[dict] = dict(type='BN', requires_grad=True),
        **kwargs,
    ) -> None:
        super().__init__(
            channels=channels,
            input_transform='multiple_select',
            in_index=list(in_index),
            norm_cfg=norm_cfg,
            **kwargs,
        )
        dims = self._embed_dims(embed_dims)
        self.embed_layers = nn.ModuleDict(
            {
                str(i): LinearEmbedding(stage_channels, dim)
                for i, stage_channels, dim in zip(
                    self.in_index, self.in_channels, dims
                )
            }
        )
        self.fuse_layer = self._fusion(
            fusion, sum(dims), dilations, separable, pool
        )

    def _fusion(
        self,
        fusion: str,
        in_channels: int,
        dilations: Sequence[int],
        separable: bool,
        pool: bool,
    ) -> nn.Module:
        """The layer fusing the concatenated embeddings."""
        if fusion not in FUSIONS:
            raise ValueError(
                f'DAFormerHead: fusion must be one of {FUSIONS}, got '
                f'{fusion!r}'
            )
        if fusion == 'conv':
            return ConvModule(
                in_channels,
                self.channels,
                kernel_size=1,
                norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg,
            )
        return ContextAwareFusion(
            in_channels,
            self.channels,
            dilations=dilations,
            separable=separable,
            pool=pool,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg,
            align_corners=self.align_corners,
        )

    def _embed_dims(self, embed_dims: Union[int, Sequence[int]]) -> List[int]:
        """One embedding width per decoded stage."""
        if isinstance(embed_dims, int):
            return [embed_dims] * len(self.in_index)
        if len(embed_dims) != len(self.in_index):
            raise ValueError(
                f'DAFormerHead: embed_dims {list(embed_dims)} has '
                f'{len(embed_dims)} widths for {len(self.in_index)} stages '
                f'(in_index {self.in_index}); give one per stage or one int'
            )
        return list(embed_dims)

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """Class scores (N, num_classes, H, W) at the first decoded stage's
        size, from the backbone's stages."""
        stages = self._transform_inputs(inputs)
        size = stages[0].shape[2:]
        embedded = []
        for i, x in zip(self.in_index, stages):
            e = self.embed_layers[str(i)](x)
            if e.shape[2:] != size:
                e = resize(
                    e,
                    size=size,
                    mode='bilinear',
                    align_corners=self.align_corners,
                )
            embedded.append(e)
        return self.cls_seg(self.fuse_layer(torch.cat(embedded, dim=1)))
