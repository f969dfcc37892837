"""PFRTerm: which backbone stages PFR aligns, read before any neck."""

import pytest
import torch
from helpers import uda_batch, uda_model_cfg
from mmseg.registry import MODELS

from mmseg_pfr.models.uda.terms.pfr import select_stages


def stages(*channels):
    return [torch.randn(1, c, 8 // 2**i, 8 // 2**i) for i, c in
            enumerate(channels)]  # fmt: skip


def test_default_aligns_every_stage_the_backbone_returns():
    x = stages(3, 5, 7, 9)
    assert select_stages(x, None) == x
    assert [f.shape[1] for f in select_stages(x, (1, -1))] == [5, 9]


def test_a_stage_that_does_not_exist_is_named_with_what_there_is():
    with pytest.raises(
        IndexError,
        match=r'PFR stages \(0, 4\) name stages \[4\], but the backbone '
        r'returns 4: 0: 3 ch 8x8, 1: 5 ch 4x4, 2: 7 ch 2x2, 3: 9 ch 1x1$',
    ):
        select_stages(stages(3, 5, 7, 9), (0, 4))


def test_outputs_that_are_not_feature_maps_are_refused():
    # ViT with output_cls_token returns [map, cls_token] per stage.
    with pytest.raises(
        TypeError,
        match=r'PFR aligns \(N, C, H, W\) feature maps; the backbone '
        r'returns 0: 3 ch 8x8, 1: list, not a feature map: set '
        r'terms.pfr.stages to the maps',
    ):
        select_stages([stages(3)[0], [torch.zeros(1, 5, 2, 2)]], None)


def test_empty_stages_are_refused():
    with pytest.raises(ValueError, match='at least one stage'):
        MODELS.build(dict(type='PFRTerm', stages=()))


def test_pfr_reads_the_backbone_before_the_models_own_neck():
    cfg = uda_model_cfg(lambda_adv=0.0)
    # An FPN neck of the model's own: PFR still aligns the backbone's four
    # stages (8/16/32/64 channels), the decode head reads the neck's.
    cfg.segmentor.neck = dict(
        type='FPN', in_channels=[8, 16, 32, 64], out_channels=16,
        num_outs=4)  # fmt: skip
    cfg.segmentor.decode_head.in_channels = 16
    cfg.terms.pfr.stages = (1, 3)
    model = MODELS.build(cfg)
    seen = []
    model.pfr.pfr_loss.register_forward_hook(
        lambda m, args, out: seen.append([f.shape[1] for f in args[0]])
    )
    source, target = model.preprocess(uda_batch())
    step = model.forward_step(source, target)
    assert [f.shape[1] for f in step.outputs['source'].stages] == [
        8, 16, 32, 64]  # fmt: skip
    assert [f.shape[1] for f in step.outputs['source'].features] == [16] * 4
    model.pfr.loss(step)
    assert seen == [[16, 64]]
