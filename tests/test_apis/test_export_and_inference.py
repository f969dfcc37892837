"""A UDA checkpoint serves mmseg's inference APIs, directly or exported."""

import numpy as np
import pytest
import torch
from helpers import toy_training_config, uda_model_cfg
from mmengine.config import Config
from mmseg.apis import inference_model, init_model
from mmseg.registry import MODELS

from mmseg_pfr.apis import export_segmentor, segmentor_config


@pytest.fixture
def uda_files(tmp_path):
    """A UDA config file and a checkpoint of a (randomly initialised) model,
    saved as the runner saves it."""
    cfg = Config(toy_training_config(str(tmp_path)))
    cfg.test_pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='PackSegInputs'),
    ]
    cfg_path = str(tmp_path / 'uda.py')
    cfg.dump(cfg_path)
    torch.manual_seed(0)
    model = MODELS.build(uda_model_cfg())
    meta = dict(dataset_meta=dict(classes=('a', 'b', 'c', 'd')), iter=7)
    ckpt_path = str(tmp_path / 'uda.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=meta), ckpt_path)
    return cfg_path, ckpt_path, model


def image() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 255, (32, 48, 3), np.uint8)


def test_mmseg_init_model_and_inference_model_take_a_uda_model(uda_files):
    cfg_path, ckpt_path, model = uda_files
    uda = init_model(cfg_path, ckpt_path, device='cpu')
    assert type(uda).__name__ == 'UDASegmentor'
    assert uda.dataset_meta['classes'] == ('a', 'b', 'c', 'd')
    result = inference_model(uda, image())
    model.eval()
    with torch.no_grad():
        direct = model.segmentor.test_step(
            dict(
                inputs=[torch.from_numpy(image()).permute(2, 0, 1)],
                data_samples=[result.clone()],
            )
        )
    assert torch.equal(result.pred_sem_seg.data, direct[0].pred_sem_seg.data)


def test_exported_segmentor_is_a_plain_mmseg_model(uda_files, tmp_path):
    cfg_path, ckpt_path, _ = uda_files
    cfg = segmentor_config(Config.fromfile(cfg_path))
    assert cfg.model.type == 'EncoderDecoder'
    # Only what testing and inference read; no UDA or training parts.
    assert set(cfg) == {
        'default_scope',
        'custom_imports',
        'model',
        'test_pipeline',
        'test_dataloader',
        'test_evaluator',
        'test_cfg',
        'log_processor',
    }
    exported = export_segmentor(torch.load(ckpt_path, weights_only=False))
    assert not any(
        k.startswith(('segmentor.', 'discriminator.'))
        for k in exported['state_dict']
    )
    assert exported['meta'] == dict(
        dataset_meta=dict(classes=('a', 'b', 'c', 'd')), iter=7
    )
    plain_cfg, plain_ckpt = str(tmp_path / 'plain.py'), str(tmp_path / 'p.pth')
    cfg.dump(plain_cfg)
    torch.save(exported, plain_ckpt)
    plain = init_model(plain_cfg, plain_ckpt, device='cpu')
    uda = init_model(cfg_path, ckpt_path, device='cpu')
    assert type(plain).__name__ == 'EncoderDecoder'
    assert torch.equal(
        inference_model(plain, image()).pred_sem_seg.data,
        inference_model(uda, image()).pred_sem_seg.data,
    )


def test_export_refuses_other_checkpoints_and_configs():
    with pytest.raises(KeyError, match='not a UDASegmentor checkpoint'):
        export_segmentor(dict(state_dict={'backbone.w': torch.ones(1)}))
    with pytest.raises(ValueError, match='expected a UDASegmentor config'):
        segmentor_config(Config(dict(model=dict(type='EncoderDecoder'))))
