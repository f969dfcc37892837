"""UDASegmentor.train_step: the PFR + adversarial iteration, term by term."""

import pytest
import torch
from helpers import (
    NUM_CLASSES,
    clone_batch,
    optim_wrapper_cfg,
    uda_batch,
    uda_model_cfg,
)
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS

SEG_KEYS = {'loss', 'decode.loss_ce', 'decode.acc_seg'}
ADV_KEYS = {'adv.loss_adv'}
PFR_KEYS = {'pfr.loss_style', 'pfr.loss_content'}
DISC_KEYS = {
    'adv.disc.loss',
    'adv.disc.loss_src',
    'adv.disc.loss_tgt',
    'adv.disc.acc_src',
    'adv.disc.acc_tgt',
}


def build(seed: int = 0, **kwargs):
    torch.manual_seed(seed)
    model = MODELS.build(uda_model_cfg(**kwargs))
    model.init_weights()
    model.train()
    has_disc = hasattr(model, 'adv')
    optim = build_optim_wrapper(model, optim_wrapper_cfg(has_disc))
    return model, optim


def record_gradients(model, optim):
    """Snapshot, at each optimizer step, which parameters hold a gradient."""
    seen = {}

    def spy(name):
        wrapper = optim[name]
        step = wrapper.step

        def recorded_step(**kwargs):
            seen[name] = {
                child: {
                    pname: p.grad is not None and bool(p.grad.abs().sum() > 0)
                    for pname, p in getattr(model, child).named_parameters()
                    if p.requires_grad
                }
                for child in ('segmentor', 'adv')
                if hasattr(model, child)
            }
            step(**kwargs)

        wrapper.step = recorded_step

    for name in optim.keys():
        spy(name)
    return seen


@pytest.mark.parametrize(
    'lambdas, keys',
    [
        ((0.002, 0.004), SEG_KEYS | ADV_KEYS | PFR_KEYS | DISC_KEYS),
        ((0.001, 0.0), SEG_KEYS | ADV_KEYS | DISC_KEYS),  # AdaptSegNet
        ((0.0, 0.004), SEG_KEYS | PFR_KEYS),  # PFR only
        ((0.0, 0.0), SEG_KEYS),  # source only
    ],
)
def test_exact_log_keys_and_finite_values_over_steps(lambdas, keys):
    model, optim = build(lambda_adv=lambdas[0], lambda_pfr=lambdas[1])
    for step in range(3):
        log = model.train_step(uda_batch(seed=step), optim)
        assert set(log) == keys
        assert all(torch.isfinite(v).all() for v in log.values())


def test_auxiliary_heads_are_trained_on_source():
    model, optim = build(aux=True)
    log = model.train_step(uda_batch(), optim)
    assert {'aux.loss_ce', 'aux.acc_seg'} <= set(log)


def test_logged_terms_are_weighted_and_sum_to_the_total():
    model, optim = build(lambda_adv=0.5, lambda_pfr=0.25)
    log = model.train_step(uda_batch(), optim)
    total = sum(
        v
        for k, v in log.items()
        if k.startswith(('decode', 'adv', 'pfr'))
        and 'loss' in k
        and '.disc.' not in k
    )
    torch.testing.assert_close(log['loss'], total)
    torch.testing.assert_close(
        log['adv.disc.loss'],
        log['adv.disc.loss_src'] + log['adv.disc.loss_tgt'],
    )


def test_each_network_is_updated_only_by_its_own_losses():
    model, optim = build(aux=True)
    seen = record_gradients(model, optim)
    model.train_step(uda_batch(), optim)
    seg_step, disc_step = seen['segmentor'], seen['adv']
    # Segmentor update: every trainable segmentor parameter has a gradient
    # (L_seg, L_adv through D, L_pfr), D none although L_adv went through it.
    assert all(seg_step['segmentor'].values())
    assert not any(seg_step['adv'].values())
    # D update on detached predictions: D all, segmentor nothing.
    assert all(disc_step['adv'].values())
    assert not any(disc_step['segmentor'].values())
    # D is trainable again after its frozen use in the segmentor half.
    assert all(p.requires_grad for p in model.adv.parameters())


def count_calls(module):
    calls = []
    module.register_forward_hook(
        lambda m, args, out: calls.append(args[0].shape[0])
    )
    return calls


def test_zero_weights_skip_their_computation():
    # Source-only: the target is never forwarded, D never runs.
    model, optim = build(lambda_adv=0.0, lambda_pfr=0.0)
    seg_batches = count_calls(model.segmentor.backbone)
    disc_calls = count_calls(model.adv.discriminator)
    model.train_step(uda_batch(n=2), optim)
    assert seg_batches == [2] and disc_calls == []
    # PFR only: target forwarded (fused), D idle, PFR computed.
    model, optim = build(lambda_adv=0.0)
    seg_batches = count_calls(model.segmentor.backbone)
    disc_calls = count_calls(model.adv.discriminator)
    model.train_step(uda_batch(n=2), optim)
    assert seg_batches == [4] and disc_calls == []
    # Adversarial only: the PFR loss is never called.
    model, optim = build(lambda_pfr=0.0)
    pfr_calls = count_calls(model.pfr.pfr_loss)
    disc_calls = count_calls(model.adv.discriminator)
    model.train_step(uda_batch(n=2), optim)
    assert pfr_calls == []
    # One frozen call on Q_t, then one each on Q_s and Q_t for D's update.
    assert disc_calls == [2, 2, 2]


def test_fused_forward_equals_two_forwards():
    batch = uda_batch(n=2)
    logs, params = [], []
    for fuse in (True, False):
        model, optim = build(fuse_forward=fuse)
        calls = count_calls(model.segmentor.backbone)
        logs.append(model.train_step(clone_batch(batch), optim))
        params.append([p.detach().clone() for p in model.parameters()])
        assert calls == ([4] if fuse else [2, 2])
    for key in logs[0]:
        torch.testing.assert_close(
            logs[0][key], logs[1][key], rtol=1e-4, atol=1e-6
        )
    for a, b in zip(*params):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_no_fusion_when_crops_differ_or_bn_uses_batch_statistics():
    model, optim = build()
    calls = count_calls(model.segmentor.backbone)
    model.train_step(
        uda_batch(source_size=(32, 48), target_size=(40, 64)), optim
    )
    assert calls == [2, 2]
    model, optim = build(frozen_bn=False)
    calls = count_calls(model.segmentor.backbone)
    model.train_step(uda_batch(), optim)
    assert calls == [2, 2]


def test_training_reduces_the_source_loss():
    model, optim = build(lambda_adv=0.0, lambda_pfr=0.0)
    batch = uda_batch(n=2)
    first = model.train_step(clone_batch(batch), optim)['decode.loss_ce']
    for _ in range(20):
        last = model.train_step(clone_batch(batch), optim)['decode.loss_ce']
    assert last < 0.5 * first


def test_inference_is_the_segmentors():
    model, _ = build()
    model.eval()
    data = dict(
        inputs=[uda_batch(n=1)['source']['inputs'][0]],
        data_samples=[uda_batch(n=1)['source']['data_samples'][0]],
    )
    ours = model.test_step(clone_batch(data))
    theirs = model.segmentor.test_step(clone_batch(data))
    assert ours[0].pred_sem_seg.shape == (32, 48)
    assert torch.equal(ours[0].pred_sem_seg.data, theirs[0].pred_sem_seg.data)
    assert torch.equal(
        model.val_step(clone_batch(data))[0].seg_logits.data,
        theirs[0].seg_logits.data,
    )
    logits = model(torch.zeros(1, 3, 32, 48))
    assert logits.shape == (1, NUM_CLASSES, 4, 6)


def test_configuration_errors():
    with pytest.raises(ValueError, match='a term weight must be >= 0'):
        MODELS.build(uda_model_cfg(lambda_adv=-1.0))
    cfg = uda_model_cfg()
    cfg.terms.adv.gan_loss = 'W'
    with pytest.raises(ValueError, match='gan_loss must be one of'):
        MODELS.build(cfg)
    with pytest.raises(TypeError, match='takes no train_cfg'):
        MODELS.build({**uda_model_cfg(), 'train_cfg': dict(a=1)})
    with pytest.raises(ValueError, match="term name 'Adv': use a lower-case"):
        MODELS.build({**uda_model_cfg(), 'terms': dict(Adv=dict(
            type='PFRTerm'))})  # fmt: skip
    with pytest.raises(TypeError, match='terms.x must build a UDA term'):
        MODELS.build({**uda_model_cfg(), 'terms': dict(x=dict(
            type='FCDiscriminator', num_classes=4))})  # fmt: skip
    with pytest.raises(TypeError, match='adapts an mmseg EncoderDecoder'):
        MODELS.build(
            dict(uda_model_cfg(), segmentor=dict(type='FCDiscriminator',
                                                 num_classes=4))
        )  # fmt: skip


def test_arguments_of_earlier_versions_say_where_they_went():
    with pytest.raises(
        TypeError,
        match=r'UDASegmentor now takes each UDA term in terms=dict\(...\): '
        r"lambda_adv is terms.adv.weight \(terms=dict\(adv=dict\(type='"
        r"AdversarialTerm', weight=0.002, discriminator=...\)\)\); "
        r'lambda_pfr is terms.pfr.weight',
    ):
        MODELS.build({**uda_model_cfg(), 'lambda_adv': 0.1, 'lambda_pfr': 0})
    segmentor = uda_model_cfg().segmentor
    with pytest.raises(
        TypeError,
        match=r"UDASegmentor got the segmentor keys \['backbone', "
        r"'decode_head', 'test_cfg'\]: the leaf config's model was merged "
        r"into the base's segmentor dict. Wrap the segmentor instead: model "
        r'= dict\(_base_.pfr_adv, _delete_=True, segmentor=_base_.model\), '
        r'with a recipe of configs/_base_/uda/terms.py',
    ):
        MODELS.build({**uda_model_cfg(), **segmentor, 'type': 'UDASegmentor'})
    cfg = uda_model_cfg()
    cfg.segmentor.neck = dict(type='PFRNeck', in_index=(1, 3))
    with pytest.raises(
        TypeError,
        match=r'PFRNeck is no longer needed: remove neck=dict\(type='
        r"'PFRNeck', in_index=\(1, 3\)\) from the segmentor config "
        r"\(restore the model's own neck, if it had one\) and set "
        r'model.terms.pfr.stages=\(1, 3\)',
    ):
        MODELS.build(cfg)


def test_lsgan_variant_trains():
    model, optim = build()
    model.adv.gan_loss = 'LS'
    log = model.train_step(uda_batch(), optim)
    assert torch.isfinite(log['adv.disc.loss'])
