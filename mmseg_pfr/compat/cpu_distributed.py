"""Distributed training and testing on a machine without CUDA.

mmengine 0.10's pytorch launcher (``mmengine.dist.init_dist``) calls
``torch.cuda.set_device``, which a CPU build of torch lacks::

    AttributeError: module 'torch._C' has no attribute '_cuda_setDevice'

and its runner gives every DDP wrapper ``device_ids=[LOCAL_RANK]``, which
DDP refuses for modules on the CPU. So ``tools/dist_train.sh CONFIG 2``
cannot run on such a machine. :func:`init_cpu_distributed` does what the
launcher would, with the gloo backend (the configs' nccl needs CUDA): it
starts the process group from torchrun's environment, which makes mmengine
skip its own set-up, and builds the DDP wrappers without device ids. With
CUDA, or without a launcher, it does nothing.
"""

import datetime
import logging
import os

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.logging import print_log


def init_cpu_distributed(cfg: Config) -> bool:
    """On a machine without CUDA, start ``cfg``'s pytorch-launched process
    group with gloo and make its DDP wrappers take no ``device_ids``.

    Args:
        cfg: The config, after the tools set ``cfg.launcher``; its
            ``model_wrapper_cfg`` is changed in place.

    Returns:
        Whether it did so (False with CUDA, without the pytorch launcher,
        or when a process group exists already).
    """
    if (
        cfg.get('launcher', 'none') != 'pytorch'
        or torch.cuda.is_available()
        or dist.is_initialized()
    ):
        return False
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}))
    backend = dist_cfg.pop('backend', 'nccl')
    if backend == 'nccl':
        print_log(
            'No CUDA on this machine: distributed with gloo instead of the '
            "config's nccl.",
            logger='current',
            level=logging.WARNING,
        )
        backend = 'gloo'
    if dist_cfg.get('timeout') is not None:  # seconds, as mmengine takes it
        dist_cfg['timeout'] = datetime.timedelta(seconds=dist_cfg['timeout'])
    dist.init_process_group(
        backend,
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        **dist_cfg,
    )
    cfg.model_wrapper_cfg = cpu_model_wrapper_cfg(cfg)
    return True


def cpu_model_wrapper_cfg(cfg: Config) -> dict:
    """``cfg``'s DDP wrapper config with ``device_ids=None`` (what DDP takes
    for CPU modules), which wins over the runner's default; without one,
    the wrapper mmengine's runner builds by default."""
    wrapper = cfg.get('model_wrapper_cfg')
    if wrapper is None:
        wrapper = dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False),
        )
    return dict(wrapper, device_ids=None)
