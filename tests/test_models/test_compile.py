"""The segmentor's training computation compiles as one graph and is not
recompiled from step to step (dynamo's eager backend: the tracing, without
code generation)."""

import torch
import torch._dynamo
from helpers import optim_wrapper_cfg, uda_batch, uda_model_cfg
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from torch._dynamo.utils import counters


def test_segmentor_losses_compile_without_breaks_or_recompiles():
    # PFR + adv: every term of the paper, D frozen for L_adv.
    torch.manual_seed(0)
    cfg = uda_model_cfg(lambda_adv=0.002, lambda_pfr=0.004)
    # mmseg's mean over labelled pixels, which called .item()
    cfg.segmentor.decode_head.loss_decode = dict(
        type='CrossEntropyLoss', avg_non_ignore=True
    )
    model = MODELS.build(cfg)
    model.init_weights()
    model.train()
    optim = build_optim_wrapper(model, optim_wrapper_cfg())
    torch._dynamo.reset()
    counters.clear()
    model.segmentor_losses = torch.compile(
        model.segmentor_losses, backend='eager'
    )
    model.train_step(uda_batch(seed=0), optim)
    graphs = counters['stats']['unique_graphs']
    for step in range(1, 4):
        log = model.train_step(uda_batch(seed=step), optim)
        assert torch.isfinite(log['loss'])
    assert not counters['graph_break'], dict(counters['graph_break'])
    assert graphs == 1
    # Freezing D for L_adv flips no requires_grad: nothing is recompiled.
    assert counters['stats']['unique_graphs'] == graphs
