"""Every config in configs/ builds its model and trains one iteration on CPU
at a tiny input, so that no config rots."""

from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmseg_pfr.apis.benchmark import (
    build_training,
    config_crops,
    num_classes,
    random_batch,
    set_crop,
)

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted(
    str(p.relative_to(ROOT))
    for p in (ROOT / 'configs').rglob('*.py')
    if '_base_' not in p.parts
)


def without_pretrained_weights(node):
    """The config with every pretrained-weight reference removed: nothing
    may download in tests."""
    if isinstance(node, dict):
        return {
            key: without_pretrained_weights(value)
            for key, value in node.items()
            if not (
                key == 'init_cfg'
                and value
                and value.get('type') == 'Pretrained'
            )
            and key != 'pretrained'
        }
    if isinstance(node, list):
        return [without_pretrained_weights(v) for v in node]
    return node


def with_local_imagenet_weights(model: dict, folder: Path) -> dict:
    """A UDA model whose feature distance term (which refuses to start
    without the segmentor backbone's pretrained weights) names a local
    file instead, made here: the term builds its frozen copy, and nothing
    loads the file (the model is not initialised)."""
    terms = (model.get('terms') or {}).values()
    if any(t and t.get('type') == 'FeatureDistanceTerm' for t in terms):
        checkpoint = folder / 'imagenet.pth'
        torch.save({}, checkpoint)
        segmentor = model['segmentor']
        if segmentor['type'] == 'MultiResEncoderDecoder':  # HRDA's wrapper
            segmentor = segmentor['segmentor']
        segmentor['backbone']['init_cfg'] = dict(
            type='Pretrained', checkpoint=str(checkpoint)
        )
    return model


def test_there_are_configs():
    assert len(CONFIGS) >= 10


@pytest.mark.parametrize('config', CONFIGS)
def test_config_trains_one_iteration(config, tmp_path):
    cfg = Config.fromfile(str(ROOT / config))
    assert cfg.model.type in ('UDASegmentor', 'EncoderDecoder')
    uda = cfg.model.type == 'UDASegmentor'
    crops = config_crops(cfg, crop=(64, 64))
    # The domains its data loader loads: no target where no loss uses one.
    loads_target = uda and cfg.train_dataloader.dataset.target is not None
    assert set(crops) == ({'source', 'target'} if loads_target else {'source'})
    cfg.model = with_local_imagenet_weights(
        without_pretrained_weights(cfg.model.to_dict()), tmp_path
    )
    set_crop(cfg, (64, 64))
    torch.manual_seed(0)
    model, optim, _ = build_training(cfg, 'cpu')
    if uda:
        # A config loads target images exactly when a loss uses them.
        assert loads_target == model.uses_target
    # The config's batch size: BatchNorm after global pooling (ASPP) needs
    # more than one sample per batch.
    batch = cfg.train_dataloader.batch_size
    data = random_batch(crops, batch, num_classes(model), uda=uda)
    before = [
        p.detach().clone() for p in model.parameters() if p.requires_grad
    ]
    log = model.train_step(data, optim)
    assert torch.isfinite(log['loss'])
    after = [p for p in model.parameters() if p.requires_grad]
    assert any(not torch.equal(a, b) for a, b in zip(before, after))
