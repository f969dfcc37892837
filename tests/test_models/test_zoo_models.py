"""mmseg's own models, unmodified, under the UDA model: the same state-dict
keys as mmseg builds them, PFR on the backbone's stages before any neck,
the discriminator on their classes, the natural mistakes of wrapping one."""

from pathlib import Path

import pytest
import torch
from helpers import uda_batch
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmseg.registry import MODELS

from mmseg_pfr.apis.zoo import load_any_config
from mmseg_pfr.models.uda.model_check import (
    ModelCheckError,
    check_crops,
    check_model,
)
from mmseg_pfr.models.uda.taps import DomainOutputs

ROOT = Path(__file__).resolve().parents[2]
TERMS = Config.fromfile(str(ROOT / 'configs/_base_/uda/terms.py'))
# mmseg model base -> the channels of the backbone stages PFR aligns.
ZOO = {
    'deeplabv3plus_r50-d8.py': [256, 512, 1024, 2048],
    'fpn_r50.py': [256, 512, 1024, 2048],  # before the FPN neck's 256s
    'ocrnet_hr18.py': [18, 36, 72, 144],  # HRNet's branches
    'upernet_vit-b16_ln_mln.py': [768] * 4,  # before MultiLevelNeck
    'segformer_mit-b0.py': [32, 64, 160, 256],
    'upernet_swin.py': [96, 192, 384, 768],
    'twins_pcpvt-s_upernet.py': [64, 128, 320, 512],
}


def zoo_model(base: str) -> dict:
    # A ConfigDict, as the runner gives: mmseg's predict reads
    # test_cfg.mode.
    model = load_any_config(f'mmseg::_base_/models/{base}').model
    model.pretrained = None
    return model


def wrap(segmentor: dict, recipe: str = 'pfr_adv'):
    model = MODELS.build(dict(TERMS[recipe].to_dict(), segmentor=segmentor))
    return revert_sync_batchnorm(model)


@pytest.mark.parametrize('base', sorted(ZOO))
def test_zoo_model_keeps_mmseg_keys_and_pfr_reads_its_backbone(base):
    torch.manual_seed(0)
    plain = MODELS.build(zoo_model(base))
    uda = wrap(zoo_model(base))
    assert uda.segmentor.state_dict().keys() == plain.state_dict().keys()
    check_model(uda)
    stages = tuple(uda.segmentor.backbone(torch.zeros(1, 3, 64, 64)))
    assert [s.shape[1] for s in stages] == ZOO[base]
    line = uda.pfr.describe(DomainOutputs(stages[0], stages, stages, ()))
    assert line.startswith('aligns backbone stages 0 (')
    # Trainable BN: the domains cannot share one forward.
    fused, why = uda.fusion(*[torch.Size([2, 3, 64, 64])] * 2)
    assert not fused and 'batch statistics' in why


def test_the_discriminator_follows_the_zoo_models_classes():
    segmentor = zoo_model('fpn_r50.py')
    segmentor['decode_head']['num_classes'] = 150  # an ADE20K model
    uda = wrap(segmentor)
    assert uda.adv.discriminator.features[0].in_channels == 150
    cfg = dict(TERMS.pfr_adv.to_dict(), segmentor=segmentor)
    cfg['terms']['adv']['discriminator']['num_classes'] = 19
    with pytest.raises(
        ValueError,
        match=r'the discriminator reads 150 class channels \(the decode '
        r"head's output\) but its config sets num_classes=19: leave "
        'num_classes out, and D follows the segmentor',
    ):
        MODELS.build(cfg)


def test_a_data_preprocessor_without_size_or_divisor_pads_batches():
    # mmseg's model bases leave size to their dataset configs; mmseg's own
    # training would stop at 'only one of size and size_divisor'.
    segmentor = zoo_model('fpn_r50.py')
    assert 'size' not in segmentor['data_preprocessor']
    uda = wrap(segmentor)
    pre = uda.segmentor.data_preprocessor
    assert (pre.size, pre.size_divisor) == (None, 1)
    batch = uda_batch(n=2, source_size=(32, 48))['source']
    assert pre(batch, True)['inputs'].shape == (2, 3, 32, 48)


def test_mmsegs_unet_base_is_stopped_before_its_first_validation():
    """Its slide inference has integer crop_size and stride, which mmseg's
    slide_inference cannot unpack: without the check it trains a whole
    validation interval, then crashes."""
    unet = MODELS.build(zoo_model('fcn_unet_s5-d16.py'))
    with pytest.raises(ModelCheckError) as error:
        check_model(revert_sync_batchnorm(unet))
    assert str(error.value) == (
        'model.test_cfg.crop_size is 256: slide inference needs an (h, w) '
        'pair: set crop_size=(256, 256)'
    )


def test_a_cityscapes_zoo_configs_padding_of_the_synthetic_crops():
    cfg = load_any_config(
        'mmseg::icnet/icnet_r18-d8_4xb2-80k_cityscapes-832x832.py'
    )
    cfg.model.pretrained = None
    cfg.model.backbone.backbone_cfg.init_cfg = None
    uda = wrap(cfg.model)
    with pytest.raises(ModelCheckError) as error:
        check_crops(uda, dict(source=(144, 256), target=(128, 256)))
    assert str(error.value).startswith(
        'model.segmentor.data_preprocessor.size is (832, 832), but the '
        'training crops are 144x256 (source), 128x256 (target): padding '
        '128x256 to (832, 832) makes each batch 21.1x its area'
    )
