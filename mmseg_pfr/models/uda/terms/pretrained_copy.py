"""A frozen copy of a backbone holding its pretrained (ImageNet) weights,
for terms that compare the student with where it started (DAFormer's
thing-class feature distance).

The copy is the backbone itself, deep-copied with its ``init_cfg`` (the
``Pretrained`` checkpoint mmseg's model bases name), its parameters
frozen. It loads that checkpoint when the model is initialised, and
refuses to train with anything less: a backbone without pretrained
weights, a checkpoint that is missing, cannot be downloaded or read, or
does not hold every weight of the backbone is an error naming the config
key and the file.
"""

import copy
import os.path as osp
import re
from typing import Dict, List, Optional

import torch.nn as nn
from mmengine.runner.checkpoint import _load_checkpoint
from torch import Tensor

# Where the segmentor's pretrained weights are set, for messages.
INIT_KEY = 'model.segmentor.backbone.init_cfg'
SHOWN = 3  # weights named in a message


class PretrainedCopyError(ValueError):
    """The pretrained weights of a frozen copy are absent or do not fit."""


def pretrained_init_cfg(backbone: nn.Module) -> Optional[dict]:
    """The backbone's ``Pretrained`` init config (what mmseg's
    ``pretrained=`` becomes), or None."""
    cfgs = getattr(backbone, 'init_cfg', None) or []
    for cfg in cfgs if isinstance(cfgs, list) else [cfgs]:
        if isinstance(cfg, dict) and cfg.get('type') == 'Pretrained':
            return dict(cfg)
    return None


def frozen_copy(backbone: nn.Module, purpose: str) -> nn.Module:
    """A deep copy of ``backbone`` with its ``Pretrained`` init config,
    no parameter trainable, in eval mode; ``purpose`` says in an error
    what needs the weights."""
    if pretrained_init_cfg(backbone) is None:
        raise PretrainedCopyError(
            f"{purpose} needs the pretrained weights of the segmentor's "
            f'backbone ({type(backbone).__name__}), and it has none: set '
            f"{INIT_KEY}=dict(type='Pretrained', checkpoint=...) (or "
            "mmseg's model.segmentor.pretrained=...), e.g. "
            "'open-mmlab://resnet101_v1c' for ResNetV1c-101; or remove the "
            'term from model.terms'
        )
    frozen = copy.deepcopy(backbone).requires_grad_(False)
    # Not chained: mmseg's ResNet.train returns None, so eval() does too.
    frozen.eval()
    return frozen


def is_local(checkpoint: str) -> bool:
    """Whether mmengine reads ``checkpoint`` from disk (no ``scheme://``)."""
    return '://' not in checkpoint


def read_state_dict(init_cfg: dict) -> Dict[str, Tensor]:
    """The weights the ``Pretrained`` config names, as mmengine's
    ``PretrainedInit`` would load them (DDP's ``module.`` stripped, only
    the keys under ``prefix`` when it has one, without it)."""
    checkpoint = str(init_cfg['checkpoint'])
    if is_local(checkpoint) and not osp.isfile(checkpoint):
        raise FileNotFoundError(
            f'the pretrained weights {checkpoint} ({INIT_KEY}.checkpoint) '
            'do not exist: download them (docs/pretrained_weights.md) or '
            'point the key at the file'
        )
    try:
        loaded = _load_checkpoint(
            checkpoint, map_location=init_cfg.get('map_location', 'cpu')
        )
    except OSError as error:
        # A plain OSError: urllib's HTTPError takes other arguments.
        raise OSError(
            f'the pretrained weights {checkpoint} ({INIT_KEY}.checkpoint) '
            f'could not be loaded ({type(error).__name__}: {error}): '
            'download them where there is a network and point the key at '
            'the local file'
        ) from error
    state = loaded.get('state_dict', loaded)
    state = {re.sub(r'^module\.', '', k): v for k, v in state.items()}
    prefix = init_cfg.get('prefix')
    if prefix:
        prefix = prefix if prefix.endswith('.') else prefix + '.'
        state = {
            k[len(prefix) :]: v
            for k, v in state.items()
            if k.startswith(prefix)
        }
    return state


def examples(items: List[str], sep: str) -> str:
    """The first few of ``items``, and '...' for the rest."""
    return sep.join(items[:SHOWN]) + (f'{sep}...' if items[SHOWN:] else '')


def load_pretrained(module: nn.Module, init_cfg: dict) -> None:
    """Load every weight of ``module`` from the ``Pretrained`` config;
    a weight the checkpoint lacks or holds in another shape is an error
    (mmengine would only log it and keep a random value)."""
    state = read_state_dict(init_cfg)
    expected = module.state_dict()
    missing = [
        k
        for k in expected
        if k not in state and not k.endswith('num_batches_tracked')
    ]
    shapes = [
        f'{k}: {tuple(state[k].shape)} in the file, '
        f'{tuple(v.shape)} in the backbone'
        for k, v in expected.items()
        if k in state and state[k].shape != v.shape
    ]
    if missing or shapes:
        what = (
            f'lacks {len(missing)} of its {len(expected)} weights '
            f'({examples(missing, ", ")})'
            if missing
            else f'holds {len(shapes)} weights in another shape '
            f'({examples(shapes, "; ")})'
        )
        raise PretrainedCopyError(
            f'the pretrained weights {init_cfg["checkpoint"]} '
            f'({INIT_KEY}) do not fit the backbone '
            f'({type(module).__name__}): the file {what}. Are they the '
            "backbone's weights (or is init_cfg.prefix missing)?"
        )
    module.load_state_dict(
        {k: state[k] for k in expected if k in state}, strict=False
    )
