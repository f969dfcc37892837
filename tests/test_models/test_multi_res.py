"""HRDA's multi-resolution segmentor: parity with HRDA's released code on
the same weights, inputs and detail crop; the attention's mask; gradients;
the sliding detail inference; its state-dict keys; its random crops; under
the UDA model, its own losses for the source and for self-training.

tests/fixtures/hrda_c370b5b.pt holds what lhoyer/HRDA at commit c370b5b
computes (mmseg/models/segmentors/hrda_encoder_decoder.py
HRDAEncoderDecoder._forward_train_features, encode_decode, and mmseg
0.x's slide_inference; mmseg/models/decode_heads/hrda_head.py
HRDAHead.forward and losses), run with their files as released on the toy
network of tests/helpers.py (DeepLab-v2 head, output stride 8), scales
(0.5, 1), a 32x32 detail crop on a grid of 16, detail loss weight 0.1:
the training forward on a 64x64 input, its losses (also with a per-pixel
weight) and their gradients, the whole and the slide inference. Both
sides fill every parameter from its name (:func:`fill`)."""

import zlib
from pathlib import Path

import pytest
import torch
from helpers import (
    optim_wrapper_cfg,
    tiny_segmentor_cfg,
    toy_training_config,
    uda_batch,
    uda_model_cfg,
)
from mmengine.config import Config, ConfigDict
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_pfr.models.segmentors.multi_res import (
    crop_box,
    scale_box,
    slide_boxes,
)
from mmseg_pfr.models.uda.model_check import ModelCheckError, check_model

FIXTURE = Path(__file__).resolve().parents[1] / 'fixtures/hrda_c370b5b.pt'


def fill(model: torch.nn.Module) -> torch.nn.Module:
    """Every parameter from a generator seeded by its name (the fixture's
    weights, under our names)."""
    for name, p in model.named_parameters():
        g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
        p.data.copy_(torch.randn(p.shape, generator=g) * 0.2)
    return model


def signature(name: str, grad: torch.Tensor) -> torch.Tensor:
    """Sum, norm and a seeded projection of a gradient (how the fixture
    keeps the backbone's)."""
    r = torch.Generator().manual_seed(zlib.crc32(name.encode()) + 1)
    v = torch.randn(grad.numel(), generator=r, dtype=torch.float64)
    g = grad.double().flatten()
    return torch.stack([g.sum(), g.norm(), g @ v])


def multi_res(**options) -> torch.nn.Module:
    cfg = ConfigDict(
        type='MultiResEncoderDecoder',
        segmentor=tiny_segmentor_cfg(),
        detail_crop=(32, 32),
        crop_divisible=16,
        **options,
    )
    return fill(MODELS.build(cfg))


def samples(labels: torch.Tensor) -> list:
    out = []
    for label in labels:
        sample = SegDataSample(metainfo=dict(img_shape=label.shape[-2:]))
        sample.gt_sem_seg = PixelData(data=label.long())
        out.append(sample)
    return out


@pytest.fixture(scope='module')
def hrda():
    return torch.load(FIXTURE, weights_only=True)


def test_training_forward_losses_and_gradients_are_hrdas(hrda):
    model = multi_res().train()
    inputs = hrda['inputs'].float() / 32
    out = model.multi_res_forward(inputs, box=tuple(hrda['box']))
    for ours, theirs in (
        (out.fused, 'fused'), (out.context, 'context'),
        (out.detail, 'detail'),
    ):  # fmt: skip
        torch.testing.assert_close(ours, hrda[theirs], rtol=1e-5, atol=1e-6)
    losses = model.multi_res_loss(out, samples(hrda['labels']))
    torch.testing.assert_close(losses['decode.loss_ce'], hrda['loss_fused'])
    torch.testing.assert_close(
        losses['decode.detail.loss_ce'], hrda['loss_detail']
    )
    (losses['decode.loss_ce'] + losses['decode.detail.loss_ce']).backward()
    grads = dict(model.named_parameters())
    for name, grad in hrda['grads'].items():
        torch.testing.assert_close(grads[name].grad, grad, rtol=1e-4,
                                   atol=1e-7)  # fmt: skip
    for name, sig in hrda['backbone_grads'].items():
        torch.testing.assert_close(
            signature(name, grads[name].grad), sig, rtol=1e-4, atol=1e-7
        )


def test_the_pseudo_label_loss_is_hrdas_with_seg_weight(hrda):
    """What HRDA's DACS trains mixed images with: its losses with a
    per-pixel weight (``forward_train(..., seg_weight)``)."""
    model = multi_res().train()
    inputs = hrda['inputs'].float() / 32
    out = model.multi_res_forward(inputs, box=tuple(hrda['box']))
    loss = model.weighted_loss(
        out, hrda['labels'][:, 0].long(), hrda['seg_weight']
    )
    torch.testing.assert_close(loss, hrda['loss_weighted'])


def test_whole_and_slide_inference_are_hrdas(hrda):
    model = multi_res().eval()
    inputs = hrda['inputs'][:1].float() / 32
    meta = [dict(img_shape=(64, 64), pad_shape=(64, 64))]
    with torch.no_grad():
        whole = model.encode_decode(inputs, meta)
        model.test_cfg = ConfigDict(
            mode='slide', crop_size=(64, 64), stride=(32, 32)
        )
        big = hrda['slide_inputs'].float() / 32
        shape = tuple(big.shape[2:])
        slide = model.inference(
            big, [dict(ori_shape=shape, img_shape=shape, pad_shape=shape)]
        )
    torch.testing.assert_close(whole, hrda['whole'], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(slide, hrda['slide'], rtol=1e-5, atol=1e-6)


def test_the_attention_is_zero_outside_the_detail_crop():
    """On the context grid, (1 - a) * P_c is P_c itself outside the crop
    (a masked to 0) and not inside it."""
    model = multi_res().eval()
    inputs = torch.randn(1, 3, 64, 64)
    box = (16, 48, 32, 64)
    with torch.no_grad():
        out = model.multi_res_forward(inputs, box)
        context = model.decode_head(model.features(model.scaled(inputs, 0.5)))
    # Output stride 8 at scale 0.5: 16 input pixels per context cell.
    y1, y2, x1, x2 = scale_box(box, 16)
    outside = torch.ones_like(context, dtype=torch.bool)
    outside[..., y1:y2, x1:x2] = False
    assert torch.equal(out.context[outside], context[outside])
    assert (out.context[~outside] != context[~outside]).all()


def test_gradients_reach_the_encoder_from_both_scales_and_the_attention():
    model = multi_res().train()
    seen = []
    model.backbone.register_forward_hook(
        lambda m, args, out: seen.append(out[-1].retain_grad() or out[-1])
    )
    out = model.multi_res_forward(torch.randn(2, 3, 64, 64))
    label = torch.randint(0, 4, (2, 1, 64, 64))
    losses = model.multi_res_loss(out, samples(label))
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    context, detail = seen
    assert context.grad.abs().sum() > 0 and detail.grad.abs().sum() > 0
    assert all(
        p.grad is not None and p.grad.abs().sum() > 0
        for p in model.scale_attention.parameters()
    )


def test_sliding_detail_equals_one_forward_where_a_window_covers_it():
    model = multi_res().eval()
    inputs = torch.randn(1, 3, 32, 32)  # detail scale: one 32x32 window
    with torch.no_grad():
        slid = model.detail_inference(inputs)
        model.detail_slide = False
        whole = model.detail_inference(inputs)
    torch.testing.assert_close(slid, whole)


def test_the_wrapped_models_keys_are_mmsegs_plus_the_attention():
    plain = MODELS.build(tiny_segmentor_cfg())
    model = multi_res()
    added = set(model.state_dict()) - set(plain.state_dict())
    assert added and all(k.startswith('scale_attention.') for k in added)
    assert set(plain.state_dict()) <= set(model.state_dict())
    missing, unexpected = model.load_state_dict(
        plain.state_dict(), strict=False
    )
    assert set(missing) == added and not unexpected


def test_detail_crops_lie_on_the_grid_and_each_forward_draws_its_own():
    hub = MessageHub.get_current_instance()
    model = multi_res()
    torch.manual_seed(0)
    hub.update_info('iter', 7)
    first = [model.draw_box((96, 128)) for _ in range(3)]
    hub.update_info('iter', 7)
    model._draws = (-1, 0)
    assert [model.draw_box((96, 128)) for _ in range(3)] == first
    hub.update_info('iter', 0)
    for y1, y2, x1, x2 in first:
        assert y1 % 16 == 0 and x1 % 16 == 0
        assert (y2 - y1, x2 - x1) == (32, 32) and y2 <= 96 and x2 <= 128
    assert len(set(first)) > 1


def test_crop_boxes_cover_hrdas_offsets():
    gen = torch.Generator().manual_seed(0)
    drawn = {crop_box((64, 64), (32, 32), 16, gen) for _ in range(64)}
    # HRDA: offsets randint(0, (64 - 32 + 1) // 16) * 16 = {0, 16}.
    assert {(b[0], b[2]) for b in drawn} == {(0, 0), (0, 16), (16, 0),
                                            (16, 16)}  # fmt: skip
    assert crop_box((32, 32), (32, 32), 16, gen) == (0, 32, 0, 32)
    with pytest.raises(ValueError, match='does not fit the 16x64 input'):
        crop_box((16, 64), (32, 32), 16, gen)


def test_slide_windows_are_mmsegs():
    assert slide_boxes((64, 96), (64, 64), (32, 32)) == [
        (0, 64, 0, 64), (0, 64, 32, 96),
    ]  # fmt: skip


def test_a_cascade_is_refused():
    cfg = ConfigDict(
        type='MultiResEncoderDecoder',
        segmentor=dict(tiny_segmentor_cfg(), type='CascadeEncoderDecoder'),
    )
    with pytest.raises(ValueError, match="segmentor.type is 'Cascade"):
        MODELS.build(cfg)


def test_under_the_uda_model_its_own_losses_train_source_and_mixed():
    """L_seg is HRDA's fused and detail losses of the source forward; the
    self-training term's mixed image is trained with its weighted losses;
    the teacher labels with the multi-resolution inference."""
    cfg = uda_model_cfg(
        discriminator=False, lambda_pfr=0.0, lambda_st=1.0,
        self_training=True,
    )  # fmt: skip
    cfg.segmentor = ConfigDict(
        type='MultiResEncoderDecoder', segmentor=cfg.segmentor,
        detail_crop=(32, 32), crop_divisible=16,
    )  # fmt: skip
    model = MODELS.build(cfg)
    seen = []
    weighted = model.segmentor.weighted_loss
    model.segmentor.weighted_loss = lambda out, *a: (
        seen.append(out) or weighted(out, *a)
    )
    optim = build_optim_wrapper(model, optim_wrapper_cfg(discriminator=False))
    log = model.train_step(uda_batch(2, (64, 64)), optim)
    assert {'decode.loss_ce', 'decode.detail.loss_ce', 'st.loss_ce'} <= set(
        log
    )
    (mixed,) = seen  # the student's forward of the mixed images
    assert mixed.fused.shape == (2, 4, 8, 8) and len(mixed.box) == 4


def test_the_first_iterations_log_says_it_trains_at_two_scales():
    model = multi_res()
    assert model.describe_scales() == (
        'multi-resolution (HRDA): the context at scale 0.5, detail crops of '
        '32x32 at scale 1 on a grid of 16, detail loss weight 0.1; the '
        "terms read the context's stages and features"
    )


def hrda_uda_cfg(**pfr):
    cfg = uda_model_cfg(discriminator=False)
    cfg.terms.pfr.update(pfr)
    cfg.segmentor = ConfigDict(
        type='MultiResEncoderDecoder', segmentor=cfg.segmentor,
        detail_crop=(32, 32), crop_divisible=16,
    )  # fmt: skip
    return cfg


@pytest.mark.parametrize('scale, cells', [('context', (6, 4)),
                                          ('detail', (4, 4))])  # fmt: skip
def test_pfr_aligns_the_scale_it_is_told(scale, cells, monkeypatch):
    """A 96x64 crop: the context (48x32) and the 32x32 detail crop give
    stages of 6x4 and 4x4 cells at output stride 8."""
    import mmseg_pfr.models.uda.terms.pfr as pfr_module

    seen = []
    select = pfr_module.select_stages
    monkeypatch.setattr(
        pfr_module, 'select_stages',
        lambda stages, idx: seen.append(stages[-1].shape[2:])
        or select(stages, idx),
    )  # fmt: skip
    model = MODELS.build(hrda_uda_cfg(scale=scale))
    check_model(model)
    optim = build_optim_wrapper(model, optim_wrapper_cfg(discriminator=False))
    model.train_step(uda_batch(2, (96, 64)), optim)
    assert seen[-2:] == [cells, cells]  # source and target


def test_pfr_on_the_detail_crop_of_a_one_scale_segmentor_is_refused():
    cfg = uda_model_cfg(discriminator=False)
    cfg.terms.pfr.scale = 'detail'
    message = r"^model.terms.pfr: PFR scale='detail' aligns a multi-res"
    with pytest.raises(ModelCheckError, match=message):
        check_model(MODELS.build(cfg))


def hrda_mic_cfg() -> ConfigDict:
    """The toy UDA model with self-training and MIC around the
    multi-resolution segmentor (16x16 detail crops of the toy's 32x48
    crops, on a grid of 16: output stride 8 at half scale)."""
    cfg = uda_model_cfg(lambda_st=1.0, self_training=True)
    cfg.terms.mic = dict(type='MaskedConsistencyTerm', block_size=8,
                         reference_height=None)  # fmt: skip
    cfg.segmentor = ConfigDict(
        type='MultiResEncoderDecoder', segmentor=cfg.segmentor,
        detail_crop=(16, 16), crop_divisible=16,
    )  # fmt: skip
    return cfg


def run_toy(tmp_path, name, max_iters, resume_from=None):
    cfg = toy_training_config(str(tmp_path / name), max_iters=max_iters)
    cfg['model'] = hrda_mic_cfg()
    if resume_from:
        cfg.update(resume=True, load_from=str(resume_from))
    runner = Runner.from_cfg(Config(cfg))
    runner.train()
    return runner


def test_resume_is_bit_exact_with_hrda(tmp_path, monkeypatch):
    """The detail crops a resumed run draws are the uninterrupted run's
    (they come from the iteration's stream, not numpy's global state)."""
    monkeypatch.setattr(
        Config, 'pretty_text', property(lambda cfg: repr(cfg.to_dict()))
    )
    whole = run_toy(tmp_path, 'whole', 4)  # checkpoints at 2 and 4
    resumed = run_toy(tmp_path, 'resumed', 4, tmp_path / 'whole/iter_2.pth')
    expected, got = whole.model.state_dict(), resumed.model.state_dict()
    assert set(expected) == set(got)
    for key in expected:
        assert torch.equal(expected[key], got[key]), key
