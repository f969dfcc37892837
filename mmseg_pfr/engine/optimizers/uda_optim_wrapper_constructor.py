"""One optimizer wrapper per trainable child of a UDA model.

The segmentor and the domain classifier D are trained by different
optimizers (SGD and Adam in the AdaptSegNet protocol), each with its own
parameter-wise options, mixed precision and gradient clipping. mmengine
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
        discriminator=dict(
            type='OptimWrapper',
            optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))))
    param_scheduler = dict(
        segmentor=[dict(type='PolyLR', power=0.9, end=250000, by_epoch=False)],
        discriminator=[dict(type='PolyLR', power=0.9, end=250000,
                            by_epoch=False)])
"""

import copy
from typing import Dict, List, Optional

import torch.nn as nn
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
            keyed by the child's name (``segmentor``, ``discriminator``).
            Each is an ordinary mmengine optim-wrapper config (``type``,
            ``optimizer``, ``clip_grad``, ``accumulative_counts``, ...) and
            may carry its own ``paramwise_cfg`` and ``constructor``. An entry
            set to None is dropped, so a config can remove an inherited one
            (``optim_wrapper=dict(discriminator=None)``).
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
        """One wrapper per trainable child of ``model`` (DDP-wrapped too)."""
        model = _unwrap(model)
        children = trainable_children(model)
        missing = sorted(set(children) - set(self.child_cfgs))
        unknown = sorted(set(self.child_cfgs) - set(children))
        if missing or unknown:
            raise KeyError(
                f'optim_wrapper needs exactly one entry per trainable child '
                f'of {type(model).__name__} ({children}); missing: '
                f'{missing}, not trainable children: {unknown}'
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
