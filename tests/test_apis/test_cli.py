"""What the tools' command line does to a config."""

import pytest
import torch
from helpers import optim_wrapper_cfg
from mmengine.config import Config

from mmseg_pfr.apis import apply_cli, enable_amp
from mmseg_pfr.compat.checkpoint import TRUST_ENV, is_trusted


def uda_cfg() -> Config:
    return Config(dict(optim_wrapper=optim_wrapper_cfg()))


@pytest.mark.parametrize('dtype', ['fp16', 'bf16'])
def test_amp_switches_every_child(dtype):
    cfg = uda_cfg()
    enable_amp(cfg, dtype)
    for child in ('segmentor', 'adv'):
        optim = cfg.optim_wrapper[child]
        assert optim.type == 'AmpOptimWrapper'
        if dtype == 'fp16':
            assert optim.loss_scale == 'dynamic' and 'dtype' not in optim
        else:
            assert optim.dtype == 'bfloat16' and 'loss_scale' not in optim
    assert cfg.optim_wrapper.constructor == 'UDAOptimWrapperConstructor'


def test_amp_on_a_plain_mmseg_config():
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper', optimizer={})))
    enable_amp(cfg)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'


def test_amp_errors():
    with pytest.raises(ValueError, match='--amp takes one of'):
        enable_amp(uda_cfg(), 'fp8')
    cfg = Config(dict(optim_wrapper=dict(type='ZeroRedundancyOptimizer')))
    with pytest.raises(ValueError, match='needs OptimWrapper optimizers'):
        enable_amp(cfg)


def test_work_dir_resume_and_trust(tmp_path, monkeypatch):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    cfg = apply_cli(uda_cfg(), 'configs/x/pfr_demo.py')
    assert cfg.work_dir == './work_dirs/pfr_demo' and 'resume' not in cfg
    work_dir = str(tmp_path / 'w')
    cfg = apply_cli(uda_cfg(), 'c.py', work_dir=work_dir, resume='auto')
    # No checkpoint yet: a fresh run (see test_resume.py), not a resume.
    assert cfg.work_dir == work_dir and 'resume' not in cfg
    ckpt = str(tmp_path / 'iter_8.pth')
    torch.save(dict(state_dict={}), ckpt)
    cfg = apply_cli(uda_cfg(), 'c.py', resume=ckpt, trusted=[ckpt])
    assert (cfg.resume, cfg.load_from) == (True, ckpt)
    assert is_trusted(ckpt)


def test_every_tool_run_checks_that_checkpoints_fit():
    cfg = apply_cli(uda_cfg(), 'c.py')
    assert cfg.custom_hooks == [dict(type='CheckpointFitHook')]
    again = apply_cli(cfg, 'c.py')
    assert again.custom_hooks == [dict(type='CheckpointFitHook')]
