"""bf16 mixed precision through mmengine's AmpOptimWrapper (what --amp bf16
selects) trains the UDA model and tracks fp32 training."""

import torch
from helpers import clone_batch, optim_wrapper_cfg, uda_batch, uda_model_cfg
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.optim.optimizer import amp_optimizer_wrapper
from mmseg.registry import MODELS

from mmseg_pfr.apis import enable_amp


def train(amp: bool, steps: int = 4):
    torch.manual_seed(0)
    model = MODELS.build(uda_model_cfg())
    model.init_weights()
    model.train()
    cfg = Config(dict(optim_wrapper=optim_wrapper_cfg()))
    if amp:
        enable_amp(cfg, 'bf16')
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    dtypes = []
    model.segmentor.backbone.layer4.register_forward_hook(
        lambda m, args, out: dtypes.append(out.dtype)
    )
    batch = uda_batch(n=2)
    logs = [model.train_step(clone_batch(batch), optim) for _ in range(steps)]
    return model, optim, logs, dtypes


def test_bf16_training_tracks_fp32(monkeypatch):
    # mmengine refuses AmpOptimWrapper without an accelerator, although its
    # autocast supports bf16 on CPU; the check is all that is bypassed.
    monkeypatch.setattr(
        amp_optimizer_wrapper, 'is_cuda_available', lambda: True
    )
    fp32, _, fp32_logs, fp32_dtypes = train(amp=False)
    bf16, optim, bf16_logs, bf16_dtypes = train(amp=True)
    assert type(optim['segmentor']).__name__ == 'AmpOptimWrapper'
    assert type(optim['adv']).__name__ == 'AmpOptimWrapper'
    assert set(fp32_dtypes) == {torch.float32}
    assert set(bf16_dtypes) == {torch.bfloat16}  # autocast was on
    for a, b in zip(fp32_logs, bf16_logs):
        for key in ('decode.loss_ce', 'adv.disc.loss', 'pfr.loss_content'):
            assert torch.isfinite(b[key])
            torch.testing.assert_close(b[key], a[key], rtol=0.05, atol=1e-3)
    # Weights stay float32 (master weights) and close to fp32 training's.
    for (name, p32), p16 in zip(fp32.named_parameters(), bf16.parameters()):
        assert p16.dtype == torch.float32
        torch.testing.assert_close(p16, p32, rtol=0.05, atol=2e-3, msg=name)
