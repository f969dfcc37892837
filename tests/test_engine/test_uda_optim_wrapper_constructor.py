"""One optimizer per child, each with its own options."""

import pytest
import torch
from helpers import log_to_captured_stdout, optim_wrapper_cfg, uda_model_cfg
from mmengine.optim import OptimWrapperDict, build_optim_wrapper
from mmseg.registry import MODELS


@pytest.fixture(scope='module')
def model():
    return MODELS.build(uda_model_cfg())


def test_builds_one_wrapper_per_child_with_its_own_options(model):
    cfg = optim_wrapper_cfg()
    cfg['adv']['clip_grad'] = dict(max_norm=1.0)
    optim = build_optim_wrapper(model, cfg)
    assert isinstance(optim, OptimWrapperDict)
    assert set(optim.keys()) == {'segmentor', 'adv'}
    seg, disc = optim['segmentor'].optimizer, optim['adv'].optimizer
    assert isinstance(seg, torch.optim.SGD)
    assert isinstance(disc, torch.optim.Adam)
    assert disc.param_groups[0]['betas'] == (0.9, 0.99)
    assert optim['adv'].clip_grad_kwargs == dict(max_norm=1.0)
    # Each optimizer holds exactly its child's trainable parameters.
    seg_params = {id(p) for g in seg.param_groups for p in g['params']}
    disc_params = {id(p) for g in disc.param_groups for p in g['params']}
    expected = {id(p) for p in model.segmentor.parameters() if p.requires_grad}
    assert seg_params == expected
    assert disc_params == {id(p) for p in model.adv.discriminator.parameters()}


def test_paramwise_cfg_applies_within_its_child(model):
    optim = build_optim_wrapper(model, optim_wrapper_cfg())
    head = {id(p) for p in model.segmentor.decode_head.parameters()}
    for group in optim['segmentor'].optimizer.param_groups:
        (param,) = group['params']
        assert group['lr'] == pytest.approx(
            1e-2 if id(param) in head else 1e-3
        )
    assert {g['lr'] for g in optim['adv'].param_groups} == {1e-4}


def test_entries_must_match_the_trainable_children(model):
    cfg = optim_wrapper_cfg()
    del cfg['adv']
    with pytest.raises(KeyError, match=r"missing: \['adv'\]"):
        build_optim_wrapper(model, cfg)
    cfg = optim_wrapper_cfg()
    cfg['pfr'] = cfg['adv']  # the PFR term trains no network of its own
    with pytest.raises(
        KeyError,
        match=r"children without trainable parameters: \['pfr'\]",
    ):
        build_optim_wrapper(model, cfg)


def test_entries_of_children_the_model_lacks_are_left_unused(capsys):
    # A source-only recipe under a schedule that also sets D's optimizer.
    source_only = MODELS.build(
        uda_model_cfg(lambda_adv=0.0, lambda_pfr=0.0, discriminator=False)
    )
    log_to_captured_stdout('unused_optimizer')
    optim = build_optim_wrapper(source_only, optim_wrapper_cfg(True))
    assert set(optim.keys()) == {'segmentor'}
    assert (
        "optim_wrapper entries ['adv'] are unused: UDASegmentor has no "
        'such child' in capsys.readouterr().out
    )


def test_none_entry_removes_an_inherited_optimizer():
    source_only = MODELS.build(
        uda_model_cfg(lambda_adv=0.0, lambda_pfr=0.0, discriminator=False)
    )
    optim = build_optim_wrapper(
        source_only, optim_wrapper_cfg(True) | dict(adv=None)
    )
    assert set(optim.keys()) == {'segmentor'}


def test_shared_paramwise_cfg_is_refused(model):
    cfg = optim_wrapper_cfg()
    cfg['paramwise_cfg'] = dict(norm_decay_mult=0.0)
    with pytest.raises(ValueError, match='paramwise_cfg per child'):
        build_optim_wrapper(model, cfg)
