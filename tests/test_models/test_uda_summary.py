"""What the UDA model says once at its first iteration: terms, fused or
separate forwards and why, BatchNorm statistics, what each term reads."""

from helpers import (
    log_to_captured_stdout,
    optim_wrapper_cfg,
    uda_batch,
    uda_model_cfg,
)
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS


def first_steps(capsys, name, batch=None, steps=2, **kwargs):
    model = MODELS.build(uda_model_cfg(**kwargs))
    model.init_weights()
    model.train()
    optim = build_optim_wrapper(model, optim_wrapper_cfg())
    log_to_captured_stdout(name)
    capsys.readouterr()
    for _ in range(steps):
        model.train_step(batch or uda_batch(), optim)
    out = capsys.readouterr().out
    return [line.split(' - INFO - ', 1)[1] for line in out.splitlines()
            if ' - INFO - ' in line]  # fmt: skip


def test_the_papers_recipe_on_frozen_bn_is_fused(capsys):
    assert first_steps(capsys, 'summary_fused') == [
        'UDA terms: adv (AdversarialTerm, weight 0.002), pfr (PFRTerm, '
        'weight 0.004)',
        'forward: source and target as one batch: the crops match and no '
        'layer mixes samples',
        'BatchNorm: no layer normalises with batch statistics; target '
        'images update no running statistics',
        'adv: D reads the softmax of the decode head at the input size '
        '(BCE GAN loss)',
        'pfr: aligns backbone stages 0 (8 ch, 8x12), 1 (16 ch, 4x6), '
        '2 (32 ch, 4x6), 3 (64 ch, 4x6)',
    ]  # said once, not at the second step


def test_batchnorm_in_training_mode_is_said_with_its_consequence(capsys):
    lines = first_steps(capsys, 'summary_bn', frozen_bn=False)
    assert lines[1] == (
        'forward: source and target separately: '
        'segmentor.backbone.stem.1 normalises with batch statistics '
        '(BatchNorm in training mode), which would mix the domains'
    )
    assert lines[2] == (
        'BatchNorm: 22 layers (first segmentor.backbone.stem.1) normalise '
        'with batch statistics in training, and target images update their '
        'running statistics too'
    )


def test_different_crops_and_terms_switched_off(capsys):
    batch = uda_batch(source_size=(32, 48), target_size=(40, 64))
    lines = first_steps(capsys, 'summary_crops', batch, lambda_pfr=0.0)
    assert lines[0] == (
        'UDA terms: adv (AdversarialTerm, weight 0.002), pfr (PFRTerm, '
        'weight 0: off)'
    )
    assert lines[1] == (
        'forward: source and target separately: the crops differ (source '
        '(32, 48), target (40, 64))'
    )


def test_source_only(capsys):
    lines = first_steps(
        capsys, 'summary_source', lambda_adv=0.0, lambda_pfr=0.0
    )
    assert lines[:2] == [
        'UDA: no active term, so source-only training; built: adv '
        '(AdversarialTerm, weight 0: off), pfr (PFRTerm, weight 0: off)',
        'forward: the source only (no active term needs the target)',
    ]
