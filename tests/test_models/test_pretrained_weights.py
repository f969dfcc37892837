"""Pretrained weights a config names but that cannot be loaded (offline,
no file) end in one error naming them and their config key."""

import urllib.error

import mmengine.runner.checkpoint
import pytest
from helpers import uda_model_cfg
from mmseg.registry import MODELS

from mmseg_pfr.apis.zoo import load_any_config
from mmseg_pfr.models.uda.pretrained import PretrainedWeightsError


def model_with_weights(checkpoint: str, via_pretrained: bool):
    cfg = uda_model_cfg()
    if via_pretrained:  # mmseg's model bases: EncoderDecoder(pretrained=)
        cfg.segmentor.pretrained = checkpoint
    else:
        cfg.segmentor.backbone.init_cfg = dict(
            type='Pretrained', checkpoint=checkpoint
        )
    return MODELS.build(cfg)


def test_a_missing_local_file(tmp_path):
    missing = str(tmp_path / 'jx_vit_base_p16_224.pth')
    with pytest.raises(PretrainedWeightsError) as error:
        model_with_weights(missing, via_pretrained=False).init_weights()
    assert str(error.value) == (
        'pretrained weights could not be loaded (FileNotFoundError: '
        f'{missing} can not be found.); the config names {missing} '
        '(model.segmentor.backbone.init_cfg). Download the file elsewhere '
        'and point the key to it, or set the key to None to start from '
        'random weights'
    )


def test_a_download_on_a_machine_without_network(monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError('Name or service not known')

    monkeypatch.setattr(mmengine.runner.checkpoint, 'load_url', offline)
    model = model_with_weights(
        'open-mmlab://resnet50_v1c', via_pretrained=True
    )
    with pytest.raises(PretrainedWeightsError) as error:
        model.init_weights()
    message = str(error.value)
    assert message.startswith(
        'pretrained weights could not be loaded (URLError: <urlopen error '
        'Name or service not known>); the config names '
        'open-mmlab://resnet50_v1c (model.segmentor.pretrained).'
    )
    assert isinstance(error.value, OSError)  # as the error it replaces


def test_a_wrapper_backbones_key_as_the_config_writes_it(tmp_path):
    """ICNet builds its ResNet from backbone_cfg: the module is
    segmentor.backbone.backbone, the config key backbone.backbone_cfg."""
    missing = str(tmp_path / 'resnet18_v1c.pth')
    cfg = uda_model_cfg()
    icnet = load_any_config('mmseg::_base_/models/icnet_r50-d8.py').model
    icnet.backbone.backbone_cfg.depth = 18
    icnet.backbone.backbone_cfg.init_cfg = dict(
        type='Pretrained', checkpoint=missing
    )
    cfg.segmentor = icnet
    with pytest.raises(PretrainedWeightsError) as error:
        MODELS.build(cfg).init_weights()
    assert (
        f'the config names {missing} '
        '(model.segmentor.backbone.backbone_cfg.init_cfg). '
    ) in str(error.value)
