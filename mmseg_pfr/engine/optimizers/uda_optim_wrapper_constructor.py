"""One optimizer wrapper per trainable child of a UDA model.

The segmentor and the domain classifier D (a child of the adversarial
term ``adv``) are trained by different optimizers (SGD and Adam in the
AdaptSegNet protocol), each with its own parameter-wise options, mixed
precision and gradient clipping. mmengine
builds an ``OptimWrapperDict`` only from ready-made wrappers, so this
constructor builds one wrapper per child from config, each through the
constructor its entry names (mmengine's default one unless it says
otherwise). The keys are the children's names, which is also how mmengine
pairs ``param_scheduler`` entries with optimizers::

    optim_wrapper = dict(
        constructor='UDAOptimWrapperConstructor',
        segmentor=dict(
            type='OptimWrapper',
            optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9,
                           weight_decay=5e-4),
            paramwise_cfg=dict(
                custom_keys={'decode_head': dict(lr_mult=10.)})),
        adv=dict(
            type='OptimWrapper',
            optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))))
    param_scheduler = dict(
        segmentor=[dict(type='PolyLR', power=0.9, end=250000, by_epoch=False)],
        adv=[dict(type='PolyLR', power=0.9, end=250000, by_epoch=False)])
"""

import copy
from typing import Dict, List, Optional

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS


def _unwrap(module: nn.Module) -> nn.Module:
    return module.module if is_model_wrapper(module) else module


def trainable_children(model: nn.Module) -> List[str]:
    """Names of the children of ``model`` that have trainable parameters."""
    return [
        name
        for name, child in _unwrap(model).named_children()
        if any(p.requires_grad for p in child.parameters())
    ]


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class UDAOptimWrapperConstructor:
    """Builds an ``OptimWrapperDict`` with one wrapper per child.

    Args:
        optim_wrapper_cfg: One optim-wrapper config per trainable child,
            keyed by the child's name (``segmentor``, and each UDA term
            that trains a network of its own: ``adv`` for D).
            Each is an ordinary mmengine optim-wrapper config (``type``,
            ``optimizer``, ``clip_grad``, ``accumulative_counts``, ...) and
            may carry its own ``paramwise_cfg`` and ``constructor``. An entry
            set to None is dropped, so a config can remove an inherited one
            (``optim_wrapper=dict(adv=None)``).
        paramwise_cfg: Not accepted at this level: give each child its own.
    """

    def __init__(
        self,
        optim_wrapper_cfg: Dict[str, dict],
        paramwise_cfg: Optional[dict] = None,
    ) -> None:
        if paramwise_cfg is not None:
            raise ValueError(
                'UDAOptimWrapperConstructor takes a paramwise_cfg per child '
                '(optim_wrapper.segmentor.paramwise_cfg), not one for all'
            )
        self.child_cfgs = {
            name: copy.deepcopy(cfg)
            for name, cfg in optim_wrapper_cfg.items()
            if cfg is not None
        }

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        """One wrapper per trainable child of ``model`` (DDP-wrapped too).
        An entry for a child the model does not have (the D optimizer of
        a config whose recipe has no adversarial term) is left unused, and
        the log says so; an entry for a child without trainable parameters
        is an error."""
        model = _unwrap(model)
        children = trainable_children(model)
        present = dict(model.named_children())
        missing = sorted(set(children) - set(self.child_cfgs))
        untrainable = sorted(
            name
            for name in self.child_cfgs
            if name in present and name not in children
        )
        if missing or untrainable:
            raise KeyError(
                f'optim_wrapper needs exactly one entry per trainable child '
                f'of {type(model).__name__} ({children}); missing: '
                f'{missing}, children without trainable parameters: '
                f'{untrainable}'
            )
        unused = sorted(set(self.child_cfgs) - set(present))
        if unused:
            print_log(
                f'optim_wrapper entries {unused} are unused: '
                f'{type(model).__name__} has no such child',
                logger='current',
            )
        return OptimWrapperDict(
            **{
                name: self._build(name, getattr(model, name))
                for name in children
            }
        )

    def _build(self, name: str, child: nn.Module):
        cfg = copy.deepcopy(self.child_cfgs[name])
        constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(
                type=cfg.pop('constructor', 'DefaultOptimWrapperConstructor'),
                optim_wrapper_cfg=cfg,
                paramwise_cfg=cfg.pop('paramwise_cfg', None),
            )
        )
        return constructor(_unwrap(child))
