"""Pretrained weights that cannot be loaded, named with their config key.

mmseg's model bases name ImageNet weights to download at initialisation
(``pretrained='open-mmlab://resnet50_v1c'``, a backbone's ``init_cfg``), or
a local file (``pretrain/jx_vit_base_p16_224-80ecf9dd.pth``). On a machine
without network, or without that file, initialisation ends in a urllib or
file error deep in mmengine that names neither the config key nor the way
out; :func:`pretrained_keys` finds them in the model's config, and the UDA
model re-raises the error as :class:`PretrainedWeightsError`, which does.
"""

from typing import List, Mapping, Tuple


class PretrainedWeightsError(OSError):
    """Pretrained weights a config names could not be loaded."""


def pretrained_keys(node, key: str) -> List[Tuple[str, str]]:
    """(config key, checkpoint) of every pretrained weight the config
    ``node`` (under ``key``) names: a ``pretrained`` path, a ``Pretrained``
    ``init_cfg``; keys as the user writes them, a wrapper backbone's
    included (ICNet's ``backbone.backbone_cfg.init_cfg``)."""
    if isinstance(node, (list, tuple)):
        return [
            found
            for i, child in enumerate(node)
            for found in pretrained_keys(child, f'{key}[{i}]')
        ]
    if not isinstance(node, Mapping):
        return []
    found = []
    for name, value in node.items():
        here = f'{key}.{name}'
        if name == 'pretrained' and isinstance(value, str):
            found.append((here, value))
        elif name == 'init_cfg':
            cfgs = value if isinstance(value, (list, tuple)) else [value]
            found += [
                (here, str(cfg.get('checkpoint')))
                for cfg in cfgs
                if isinstance(cfg, Mapping) and cfg.get('type') == 'Pretrained'
            ]
        else:
            found += pretrained_keys(value, here)
    return found


def weights_error(
    named: List[Tuple[str, str]], error: OSError
) -> PretrainedWeightsError:
    """The error to raise when ``init_weights()`` failed with ``error``
    for a model whose config names the weights ``named``
    (:func:`pretrained_keys`): which weights, under which config key, and
    what to do."""
    listed = '; '.join(f'{checkpoint} ({key})' for key, checkpoint in named)
    return PretrainedWeightsError(
        f'pretrained weights could not be loaded ({type(error).__name__}: '
        f'{error}); the config names {listed or "none we could find"}. '
        'Download the file elsewhere and point the key to it, or set the '
        'key to None to start from random weights'
    )
