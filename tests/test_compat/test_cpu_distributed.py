"""Distributed on a machine without CUDA: why mmengine's launcher fails
there, and what init_cpu_distributed does instead (the two-process run
through tools/dist_train.sh is tests/test_engine/test_distributed.py)."""

import pytest
import torch
import torch.distributed as dist
from helpers import uda_model_cfg
from mmengine.config import Config
from mmengine.dist import init_dist
from mmengine.model import MMSeparateDistributedDataParallel
from mmseg.registry import MODEL_WRAPPERS, MODELS

from mmseg_pfr.compat.cpu_distributed import (
    cpu_model_wrapper_cfg,
    init_cpu_distributed,
)

needs_cpu_torch = pytest.mark.skipif(
    torch.cuda.is_available(), reason='shows a machine without CUDA'
)


@pytest.fixture
def torchrun_env(monkeypatch):
    """The environment torchrun gives rank 0 of a one-process job."""
    for key, value in dict(
        RANK='0',
        LOCAL_RANK='0',
        WORLD_SIZE='1',
        MASTER_ADDR='127.0.0.1',
        MASTER_PORT='29761',
    ).items():
        monkeypatch.setenv(key, value)


@needs_cpu_torch
def test_mmengines_launcher_needs_cuda(torchrun_env):
    with pytest.raises(AttributeError, match='_cuda_setDevice'):
        init_dist('pytorch', backend='gloo')
    assert not dist.is_initialized()


@needs_cpu_torch
def test_starts_gloo_and_builds_ddp_without_device_ids(torchrun_env):
    cfg = Config(
        dict(
            launcher='pytorch',
            env_cfg=dict(dist_cfg=dict(backend='nccl', timeout=600)),
            model_wrapper_cfg=dict(
                type='MMSeparateDistributedDataParallel',
                broadcast_buffers=False,
                find_unused_parameters=False,
            ),
        )
    )
    try:
        assert init_cpu_distributed(cfg)
        assert dist.get_backend() == 'gloo'
        assert dist.get_world_size() == 1
        assert init_cpu_distributed(cfg) is False  # the group exists
        # mmengine's runner passes device_ids=[LOCAL_RANK] as a default.
        model = MODEL_WRAPPERS.build(
            cfg.model_wrapper_cfg,
            default_args=dict(
                module=MODELS.build(uda_model_cfg()), device_ids=[0]
            ),
        )
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    assert isinstance(model, MMSeparateDistributedDataParallel)
    assert model.module.segmentor.device_ids is None


def test_without_the_pytorch_launcher_nothing_changes():
    cfg = Config(dict(launcher='none', model_wrapper_cfg=None))
    assert init_cpu_distributed(cfg) is False
    assert cfg.model_wrapper_cfg is None
    assert not dist.is_initialized()


def test_wrapper_configs_lose_only_their_device_ids():
    cfg = Config(
        dict(
            model_wrapper_cfg=dict(
                type='MMSeparateDistributedDataParallel',
                broadcast_buffers=True,
            )
        )
    )
    assert cpu_model_wrapper_cfg(cfg) == dict(
        type='MMSeparateDistributedDataParallel',
        broadcast_buffers=True,
        device_ids=None,
    )
    # No wrapper config: the wrapper mmengine's runner builds by default.
    assert cpu_model_wrapper_cfg(
        Config(dict(find_unused_parameters=True))
    ) == (
        dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=True,
            device_ids=None,
        )
    )
