"""DAFormer's weight decay on MiT in every DAFormer/MIC/PFR MiT-B5 config:
no decay on any LayerNorm of the backbone (DAFormer's key 'norm' matches
all of its own MiT's, whose stage-closing norms are norm1..norm4; mmseg
1.x calls those layers.<i>.2), AdamW's 0.01 on everything else, the heads
at 10x the rate. Checked on the optimizer's parameter groups, against that
rule stated on the modules (lhoyer/DAFormer configs/daformer/
gta2cs_uda_warm_fdthings_rcs_croppl_a999_daformer_mitb5_s0.py:
custom_keys head lr_mult 10, pos_block and norm decay_mult 0)."""

from pathlib import Path

import pytest
import torch.nn as nn
from mmengine.config import Config
from mmseg.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted(
    str(p.relative_to(ROOT))
    for folder in ('daformer', 'mic', 'pfr', 'self_training')
    for head in ('segformer', 'daformerhead')
    for p in (ROOT / 'configs' / folder).glob(f'*{head}-mitb5*.py')
)


def mit_b5_segmentor(cfg: Config) -> nn.Module:
    """The config's segmentor: MiT-B5's depths (3, 6, 40, 3), so its
    parameter names are B5's, at a width of 8 (seconds to build)."""
    segmentor = cfg.model.segmentor
    segmentor.backbone.update(embed_dims=8, init_cfg=None)
    assert segmentor.backbone.num_layers == [3, 6, 40, 3]
    segmentor.decode_head.update(in_channels=[8, 16, 40, 64], channels=16)
    return MODELS.build(segmentor)


def daformer_decay(module_of: dict, name: str) -> float:
    return 0.0 if isinstance(module_of[name], nn.LayerNorm) else 0.01


REFERENCE = 'configs/daformer/daformer_daformerhead-mitb5_1xb2-40k_gta2cityscapes-512x512.py'  # noqa: E501


@pytest.mark.parametrize('config', CONFIGS)
def test_every_mit_b5_config_has_the_reference_optimizer(config):
    def segmentor_optim(path: str) -> dict:
        return Config.fromfile(str(ROOT / path)).optim_wrapper.segmentor

    assert segmentor_optim(config) == segmentor_optim(REFERENCE)


def test_mit_weight_decay_is_daformers():
    cfg = Config.fromfile(str(ROOT / REFERENCE))
    segmentor = mit_b5_segmentor(cfg)
    optim = cfg.optim_wrapper.segmentor.to_dict()
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='DefaultOptimWrapperConstructor',
            optim_wrapper_cfg=optim,
            paramwise_cfg=optim.pop('paramwise_cfg'),
        )
    )
    groups = constructor(segmentor).optimizer.param_groups
    owner = {
        f'{m}.{p}' if m else p: module
        for m, module in segmentor.named_modules()
        for p, _ in module.named_parameters(recurse=False)
    }
    by_id = {id(p): n for n, p in segmentor.named_parameters()}
    seen = {by_id[id(p)]: g for g in groups for p in g['params']}
    assert seen.keys() == owner.keys()
    wrong = {
        name: group['weight_decay']
        for name, group in seen.items()
        if group['weight_decay'] != daformer_decay(owner, name)
    }
    assert wrong == {}
    # The four stage-closing norms, by name, and the heads' rate.
    assert all(seen[f'backbone.layers.{i}.2.weight']['weight_decay'] == 0
               for i in range(4))  # fmt: skip
    assert {
        g['lr'] / 6e-5 for n, g in seen.items() if n.startswith('decode_head')
    } == {10.0}
