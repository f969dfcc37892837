"""AdaptSegNet's multi-level variant: a second classifier on conv4_x (the
segmentor's auxiliary head, lambda_seg 0.1) and a second discriminator on
its output (adv_aux, lambda_adv 2e-4), beside the main level's (adv,
1e-3): the exact log keys and each weighted loss against the formula,
each D trained on its own level only, what each level's adversarial loss
reaches in the segmentor, both classifiers at 10x, and bit-exact resume."""

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from helpers import (
    NUM_CLASSES,
    optim_wrapper_cfg,
    toy_training_config,
    uda_batch,
    uda_model_cfg,
)
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner
from mmseg.registry import MODELS
from test_models.test_uda_segmentor import ADV_KEYS, DISC_KEYS, SEG_KEYS

from mmseg_pfr.models.uda.segmentation_loss import segmentation_loss

ROOT = Path(__file__).resolve().parents[2]
CONFIG = (
    ROOT / 'configs/baselines/adaptsegnet-multilevel_deeplabv2-r101-caffe-'
    'coco_1xb1-150k_gta2cityscapes-1280x720.py'
)
AUX_KEYS = {'aux.loss_ce', 'aux.acc_seg', 'adv_aux.loss_adv'} | {
    key.replace('adv.', 'adv_aux.') for key in DISC_KEYS
}
DISCRIMINATORS = ('adv', 'adv_aux')


def multilevel_cfg():
    """The toy model with AdaptSegNet's two levels: a DeepLab-v2 classifier
    on stage index 2 (conv4_x) and a D for each level."""
    cfg = uda_model_cfg(lambda_adv=0.001, lambda_pfr=0.0)
    cfg.terms.pfr = None
    cfg.segmentor.auxiliary_head = dict(
        type='DLV2Head',
        in_channels=32,
        in_index=2,
        num_classes=NUM_CLASSES,
        loss_decode=dict(
            type='CrossEntropyLoss', avg_non_ignore=True, loss_weight=0.1
        ),
    )
    cfg.terms.adv_aux = dict(cfg.terms.adv, weight=0.0002, head='auxiliary')
    return cfg


def optim_cfg():
    cfg = optim_wrapper_cfg()
    cfg['adv_aux'] = cfg['adv']
    return cfg


def build(seed=0):
    torch.manual_seed(seed)
    model = MODELS.build(multilevel_cfg())
    model.init_weights()
    model.train()
    return model, build_optim_wrapper(model, optim_cfg())


def bce(scores, label):
    return F.binary_cross_entropy_with_logits(
        scores, torch.full_like(scores, float(label))
    )


def test_exact_log_keys_over_steps():
    model, optim = build()
    for step in range(3):
        log = model.train_step(uda_batch(seed=step), optim)
        assert set(log) == SEG_KEYS | ADV_KEYS | DISC_KEYS | AUX_KEYS
        assert all(torch.isfinite(v).all() for v in log.values())
    total = sum(v for k, v in log.items() if 'loss' in k and k != 'loss'
                and '.disc.' not in k)  # fmt: skip
    torch.testing.assert_close(log['loss'], total)


def test_each_level_loss_and_weight_against_the_formula():
    model, _ = build()
    source, target = model.preprocess(uda_batch(seed=2))
    step = model.forward_step(source, target)
    seg = model.segmentor
    labels = torch.stack(
        [s.gt_sem_seg.data[0] for s in source['data_samples']]
    )

    def level_logits(x, head):
        return head(seg.backbone(x))

    def probs(x, head):
        return F.interpolate(
            level_logits(x, head), x.shape[2:], mode='bilinear'
        ).softmax(1)

    x_s, x_t = step.inputs['source'], step.inputs['target']
    aux_s = F.interpolate(
        level_logits(x_s, seg.auxiliary_head), labels.shape[1:],
        mode='bilinear',
    )  # fmt: skip
    losses = segmentation_loss(step)
    torch.testing.assert_close(
        losses['aux.loss_ce'], 0.1 * F.cross_entropy(aux_s, labels)
    )
    d_main, d_aux = model.adv.discriminator, model.adv_aux.discriminator
    torch.testing.assert_close(
        model.adv.loss(step)['loss_adv'],
        0.001 * bce(d_main(probs(x_t, seg.decode_head)), 0),
    )
    torch.testing.assert_close(
        model.adv_aux.loss(step)['loss_adv'],
        0.0002 * bce(d_aux(probs(x_t, seg.auxiliary_head)), 0),
    )


def test_each_discriminator_learns_from_its_own_level_only():
    model, optim = build()
    twin, _ = build()  # the same weights: the expected gradients
    batch = uda_batch(seed=1)
    source, target = twin.preprocess(uda_batch(seed=1))
    step = twin.forward_step(source, target)
    seen = {}

    def spy(name):
        step_fn = optim[name].step

        def recorded(**kwargs):
            seen[name] = {
                child: [
                    None if p.grad is None else p.grad.clone()
                    for p in getattr(model, child).parameters()
                    if p.requires_grad
                ]
                for child in ('segmentor',) + DISCRIMINATORS
            }
            step_fn(**kwargs)

        optim[name].step = recorded

    for name in optim.keys():
        spy(name)
    model.train_step(batch, optim)
    # The segmentor's update: no D has a gradient.
    assert all(
        all(g is None or not g.any() for g in seen['segmentor'][d])
        for d in DISCRIMINATORS
    )
    for name, head in (('adv', 'decode'), ('adv_aux', 'auxiliary')):
        other = 'adv_aux' if name == 'adv' else 'adv'
        grads = seen[name]
        assert all(g is None or not g.any() for g in grads['segmentor'])
        assert all(g is None or not g.any() for g in grads[other])
        # D's gradient is that of its own level's loss, on the
        # predictions from before the segmentor's update.
        d = getattr(twin, name).discriminator
        loss = bce(d(step.probabilities('source', head).detach()), 0) / 2
        loss = (
            loss + bce(d(step.probabilities('target', head).detach()), 1) / 2
        )
        expected = torch.autograd.grad(loss, list(d.parameters()))
        for got, want in zip(grads[name], expected):
            torch.testing.assert_close(got, want)


def test_what_each_adversarial_loss_reaches_in_the_segmentor():
    model, _ = build()
    source, target = model.preprocess(uda_batch())
    step = model.forward_step(source, target)
    seg = model.segmentor

    def reached(loss, module):
        params = [p for p in module.parameters() if p.requires_grad]
        grads = torch.autograd.grad(
            loss, params, retain_graph=True, allow_unused=True
        )
        return any(g is not None and g.abs().sum() > 0 for g in grads)

    aux = model.adv_aux.loss(step)['loss_adv']
    main = model.adv.loss(step)['loss_adv']
    # conv4_x's classifier and what feeds it, not conv5_x or the main one.
    assert reached(aux, seg.auxiliary_head) and reached(
        aux, seg.backbone.layer3
    )
    assert not reached(aux, seg.backbone.layer4)
    assert not reached(aux, seg.decode_head)
    assert reached(main, seg.decode_head) and reached(
        main, seg.backbone.layer4
    )
    assert not reached(main, seg.auxiliary_head)


def test_the_config_trains_both_classifiers_at_ten_times_the_rate():
    cfg = Config.fromfile(str(CONFIG))
    assert cfg.model.terms.adv.weight == 0.001
    assert cfg.model.terms.adv_aux.weight == 0.0002
    assert cfg.model.terms.adv_aux.head == 'auxiliary'
    aux = cfg.model.segmentor.auxiliary_head
    assert (aux.in_index, aux.in_channels) == (2, 1024)
    assert aux.loss_decode.loss_weight == 0.1
    assert cfg.optim_wrapper.adv_aux.optimizer == dict(
        type='Adam', lr=1e-4, betas=(0.9, 0.99)
    )
    assert set(cfg.param_scheduler) == {'segmentor', 'adv', 'adv_aux'}
    # The config's optimizers on the toy model (same parameter names).
    model = MODELS.build(multilevel_cfg())
    optim = build_optim_wrapper(model, cfg.optim_wrapper.to_dict())
    assert set(optim.keys()) == {'segmentor', 'adv', 'adv_aux'}
    lr = {}
    names = {id(p): n for n, p in model.segmentor.named_parameters()}
    for group in optim['segmentor'].optimizer.param_groups:
        for p in group['params']:
            lr[names[id(p)].split('.')[0]] = group['lr']
    assert lr == dict(
        backbone=2.5e-4, decode_head=2.5e-3, auxiliary_head=2.5e-3
    )


def test_the_auxiliary_level_needs_an_auxiliary_head():
    cfg = multilevel_cfg()
    del cfg.segmentor['auxiliary_head']
    with pytest.raises(
        ValueError, match=r"an AdversarialTerm with head='auxiliary' reads"
    ):
        MODELS.build(cfg)


def run_toy(tmp_path, name, max_iters, resume_from=None):
    cfg = toy_training_config(str(tmp_path / name), max_iters=max_iters)
    cfg['model'] = multilevel_cfg()
    cfg['optim_wrapper'] = optim_cfg()
    poly = cfg['param_scheduler']['adv']
    cfg['param_scheduler']['adv_aux'] = poly
    if resume_from:
        cfg.update(resume=True, load_from=str(resume_from))
    runner = Runner.from_cfg(Config(cfg))
    runner.train()
    return runner


def test_resume_is_bit_exact_with_two_levels(tmp_path, monkeypatch):
    monkeypatch.setattr(
        Config, 'pretty_text', property(lambda cfg: repr(cfg.to_dict()))
    )
    whole = run_toy(tmp_path, 'whole', 4)  # checkpoints at 2 and 4
    resumed = run_toy(tmp_path, 'resumed', 4, tmp_path / 'whole/iter_2.pth')
    expected, got = whole.model.state_dict(), resumed.model.state_dict()
    assert set(expected) == set(got)
    assert any(k.startswith('adv_aux.discriminator.') for k in expected)
    for key in expected:
        assert torch.equal(expected[key], got[key]), key
