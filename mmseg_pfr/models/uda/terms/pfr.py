"""Progressive Feature Refinement, the PFR paper's ``lambda_pfr * L_pfr``:
source and target features matched in style (Gram matrices) and content at
several backbone stages (ResNet conv2_x..conv5_x in the paper).

The stages are the backbone's own outputs, taken before any neck, so PFR
needs nothing of the segmentor's config: any mmseg backbone that returns a
list of feature maps works (ResNet, ResNeXt, MiT, Swin, Twins, ViT's
``out_indices``, HRNet's branches), and the model's neck and heads stay as
mmseg builds them.
"""

from typing import Dict, List, Optional, Sequence, Tuple

from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from ..step import UDAStep
from ..taps import DomainOutputs
from .base import UDATerm


def describe_stages(stages: Sequence) -> str:
    """``'0: 256 ch 64x128, 1: ...'`` for the error messages."""
    return ', '.join(
        f'{i}: {s.shape[1]} ch {s.shape[2]}x{s.shape[3]}'
        if isinstance(s, Tensor) and s.dim() == 4
        else f'{i}: {type(s).__name__}, not a feature map'
        for i, s in enumerate(stages)
    )


def select_stages(
    stages: Sequence, indices: Optional[Tuple[int, ...]]
) -> List[Tensor]:
    """The stage feature maps ``C^i`` at ``indices`` (None: every one the
    backbone returns); a clear error for a stage that does not exist or
    is not an (N, C, H, W) map."""
    picked = range(len(stages)) if indices is None else indices
    bad = [i for i in picked if not -len(stages) <= i < len(stages)]
    if bad:
        raise IndexError(
            f'PFR stages {tuple(picked)} name stages {bad}, but the backbone '
            f'returns {len(stages)}: {describe_stages(stages)}'
        )
    chosen = [stages[i] for i in picked]
    if not all(isinstance(s, Tensor) and s.dim() == 4 for s in chosen):
        raise TypeError(
            f'PFR aligns (N, C, H, W) feature maps; the backbone returns '
            f'{describe_stages(stages)}: set terms.pfr.stages to the maps'
        )
    return chosen


SCALES = ('context', 'detail')


@MODELS.register_module()
class PFRTerm(UDATerm):
    """``lambda_pfr * L_pfr`` on the backbone's stages.

    Args:
        weight: ``lambda_pfr``; the paper uses 0.004.
        stages: Indices into the backbone's outputs of the features ``C^i``
            PFR aligns; None (default) aligns every stage the backbone
            returns (ResNet's ``out_indices=(0, 1, 2, 3)`` are conv2_x..
            conv5_x, the paper's stages 2-5).
        loss: Config of the style and content loss (:class:`PFRLoss`),
            with its term and per-stage weights.
        scale: Under a multi-resolution segmentor (HRDA), whose backbone
            sees each crop twice: ``'context'`` (default: the whole crop at
            half scale, the stages the other terms read) or ``'detail'``
            (the full-resolution detail crop).
    """

    def __init__(
        self,
        weight: float = 0.004,
        stages: Optional[Sequence[int]] = None,
        loss: ConfigType = dict(type='PFRLoss'),
        scale: str = 'context',
        init_cfg=None,
    ) -> None:
        super().__init__(weight, init_cfg=init_cfg)
        if scale not in SCALES:
            raise ValueError(
                f'terms.pfr.scale must be one of {SCALES}, got {scale!r}'
            )
        self.scale = scale
        if stages is not None and len(stages) == 0:
            raise ValueError('terms.pfr.stages needs at least one stage')
        self.stages = None if stages is None else tuple(stages)
        self.pfr_loss = MODELS.build(loss)

    def scale_stages(self, outputs: DomainOutputs) -> Tuple[Tensor, ...]:
        """The backbone's stages at the term's ``scale``."""
        if self.scale == 'context':
            return outputs.stages
        if outputs.detail_stages is None:
            raise ValueError(
                "PFR scale='detail' aligns a multi-resolution segmentor's "
                'detail crop, and this segmentor has one scale: remove '
                'the scale option'
            )
        return outputs.detail_stages

    def describe(self, outputs: DomainOutputs) -> str:
        """The stages aligned, with their channels and sizes."""
        stages = self.scale_stages(outputs)
        chosen = select_stages(stages, self.stages)
        indices = self.stages or tuple(range(len(stages)))
        note = self.note(outputs)
        return (
            'aligns backbone stages '
            + ', '.join(
                f'{i} ({s.shape[1]} ch, {s.shape[2]}x{s.shape[3]})'
                for i, s in zip(indices, chosen)
            )
            + (' of the detail crop' if self.scale == 'detail' else '')
            + (f' ({note})' if note else '')
        )

    def note(self, outputs: DomainOutputs) -> str:
        """A backbone that returns one stage (a ViT's default
        ``out_indices``) leaves PFR a single stage, where the paper
        refines four, from texture to layout."""
        if len(outputs.stages) != 1:
            return ''
        return (
            'the backbone returns a single stage, so PFR aligns that one '
            'only; the paper aligns four, from low to high level: set '
            'model.segmentor.backbone.out_indices to return more (e.g. '
            '(2, 5, 8, 11) for a 12-block ViT)'
        )

    def loss(self, step: UDAStep) -> Dict[str, Tensor]:
        """``lambda_pfr * (L_sty + L_con)`` of the stages, each logged."""
        source, target = (
            self.scale_stages(step.outputs[domain])
            for domain in ('source', 'target')
        )
        losses = self.pfr_loss(
            select_stages(source, self.stages),
            select_stages(target, self.stages),
        )
        return {k: self.weight * v for k, v in losses.items()}
