"""Pretrained weights that cannot be loaded, named with their config key.

mmseg's model bases name ImageNet weights to download at initialisation
(``pretrained='open-mmlab://resnet50_v1c'``, a backbone's ``init_cfg``), or
a local file (``pretrain/jx_vit_base_p16_224-80ecf9dd.pth``). On a machine
without network, or without that file, initialisation ends in a urllib or
file error deep in mmengine that names neither the config key nor the way
out; :func:`pretrained_weights` finds them, and the UDA model re-raises the
error as :class:`PretrainedWeightsError`, which does.
"""

from typing import List, Tuple

import torch.nn as nn


class PretrainedWeightsError(OSError):
    """Pretrained weights a config names could not be loaded."""


def pretrained_weights(model: nn.Module) -> List[Tuple[str, str]]:
    """(module path, checkpoint) of every ``Pretrained`` ``init_cfg`` in
    ``model``."""
    found = []
    for path, module in model.named_modules():
        cfgs = getattr(module, 'init_cfg', None) or []
        for cfg in cfgs if isinstance(cfgs, list) else [cfgs]:
            if isinstance(cfg, dict) and cfg.get('type') == 'Pretrained':
                found.append((path, str(cfg.get('checkpoint'))))
    return found


def weights_error(model: nn.Module, error: OSError) -> PretrainedWeightsError:
    """The error to raise when ``model.init_weights()`` failed with
    ``error``: which weights, under which config key, and what to do."""
    named = '; '.join(
        f'{checkpoint} (model.{path}.init_cfg'
        + (', or model.segmentor.pretrained' if path.endswith(
            'segmentor.backbone') else '')
        + ')'
        for path, checkpoint in pretrained_weights(model)
    )  # fmt: skip
    return PretrainedWeightsError(
        f'pretrained weights could not be loaded ({type(error).__name__}: '
        f'{error}); the config names {named or "none we could find"}. '
        'Download the file elsewhere and point the key to it, or set the '
        'key to None to start from random weights'
    )
