"""The check before the first iteration: a head or a PFR stage that does
not fit the backbone, a head or a padding that does not fit the training
data, a test_cfg validation cannot use: one error naming its config key."""

import pytest
import torch
from helpers import tiny_segmentor_cfg, uda_model_cfg
from mmseg.registry import MODELS

from mmseg_pfr.models.uda.model_check import (
    ModelCheckError,
    check_crops,
    check_model,
)


def build(cfg):
    model = MODELS.build(cfg)
    model.train()
    return model


def test_a_fitting_model_passes_and_keeps_its_mode():
    model = build(uda_model_cfg(aux=True))
    check_model(model)
    assert model.training
    model.eval()
    check_model(model)
    assert not model.training


def test_heads_built_for_other_channels_are_named_with_the_fix():
    cfg = uda_model_cfg(aux=True)
    cfg.segmentor.decode_head.in_channels = 60
    cfg.segmentor.auxiliary_head.in_channels = 30
    with pytest.raises(ModelCheckError) as error:
        check_model(build(cfg))
    assert str(error.value) == (
        'model.segmentor.decode_head.in_channels is 60, but its input '
        '(in_index=3) has 64 channels: set in_channels=64; '
        'model.segmentor.auxiliary_head.in_channels is 30, but its input '
        '(in_index=2) has 32 channels: set in_channels=32'
    )


def test_a_head_reading_a_feature_map_that_does_not_exist():
    cfg = tiny_segmentor_cfg()
    cfg.decode_head.in_index = 4
    with pytest.raises(
        ModelCheckError,
        match=r'^model.decode_head.in_index=4, but there are only 4 '
        r'feature maps \(\[8, 16, 32, 64\] channels\)$',
    ):
        check_model(build(cfg))  # a plain mmseg segmentor: model.*


def test_a_neck_built_for_other_channels():
    cfg = uda_model_cfg()
    cfg.segmentor.neck = dict(
        type='FPN', in_channels=[8, 16, 32, 32], out_channels=16,
        num_outs=4)  # fmt: skip
    cfg.segmentor.decode_head.in_channels = 16
    with pytest.raises(
        ModelCheckError,
        match=r'^model.segmentor.neck cannot read the backbone: its '
        r'in_channels is \[8, 16, 32, 32\], the backbone gives '
        r'\[8, 16, 32, 64\] channels \(RuntimeError: ',
    ):
        check_model(build(cfg))


def test_lists_of_heads_are_indexed_as_in_the_config():
    cfg = uda_model_cfg()
    aux = tiny_segmentor_cfg(aux=True).auxiliary_head
    cfg.segmentor.auxiliary_head = [aux, dict(aux, in_channels=7)]
    with pytest.raises(
        ModelCheckError,
        match=r'^model.segmentor.auxiliary_head\[1\].in_channels is 7, ',
    ):
        check_model(build(cfg))


def test_a_pfr_stage_that_does_not_exist_lists_what_there_is():
    cfg = uda_model_cfg()
    cfg.terms.pfr.stages = (0, 5)
    with pytest.raises(ModelCheckError) as error:
        check_model(build(cfg))
    assert str(error.value) == (
        'model.terms.pfr: PFR stages (0, 5) name stages [5], but the '
        'backbone returns 4: 0: 8 ch 16x16, 1: 16 ch 8x8, 2: 32 ch 8x8, '
        '3: 64 ch 8x8'
    )


def test_it_computes_no_gradient_and_updates_no_statistics():
    cfg = uda_model_cfg(frozen_bn=False)
    model = build(cfg)
    bn = model.segmentor.backbone.stem[1]
    before = bn.running_mean.clone()
    check_model(model)
    assert torch.equal(bn.running_mean, before)
    assert all(p.grad is None for p in model.parameters())


def test_heads_for_another_datasets_classes_are_named():
    cfg = uda_model_cfg(aux=True)
    with pytest.raises(ModelCheckError) as error:
        check_model(build(cfg), num_classes=19)
    assert str(error.value) == (
        'model.segmentor.decode_head.num_classes is 4, but the training '
        'data has 19 classes: set num_classes=19; '
        'model.segmentor.auxiliary_head.num_classes is 4, but the training '
        'data has 19 classes: set num_classes=19'
    )


def test_a_preprocessor_padding_the_crops_to_a_zoo_size():
    cfg = tiny_segmentor_cfg()
    cfg.data_preprocessor.size = (832, 832)
    crops = dict(source=(144, 256), target=(128, 256))
    with pytest.raises(ModelCheckError) as error:
        check_crops(build(cfg), crops)
    assert str(error.value) == (
        'model.data_preprocessor.size is (832, 832), but the training crops '
        'are 144x256 (source), 128x256 (target): padding 128x256 to '
        '(832, 832) makes each batch 21.1x its area, the padding ignored by '
        'the loss and computed on: set size=(144, 256)'
    )
    # The size that error proposes fits; padding 128 rows to 144 is small.
    cfg.data_preprocessor.size = (144, 256)
    check_crops(build(cfg), crops)


@pytest.mark.parametrize(
    'test_cfg, message',
    [
        (
            dict(mode='slide', crop_size=256, stride=170),
            'model.test_cfg.crop_size is 256: slide inference needs an '
            '(h, w) pair: set crop_size=(256, 256)',
        ),
        (
            dict(mode='slide', crop_size=(256, 256), stride=None),
            'model.test_cfg.stride is None: slide inference needs an (h, w) '
            'pair: set stride=(h, w)',
        ),
        (
            dict(mode='slidy'),
            "model.test_cfg={'mode': 'slidy'}: validation would fail, "
            'predict on a 64x64 image raised AssertionError: Only "slide" or '
            '"whole" test mode are supported, but got slidy.',
        ),
    ],
)
def test_a_test_cfg_validation_cannot_use(test_cfg, message):
    cfg = tiny_segmentor_cfg()
    cfg.test_cfg = test_cfg
    with pytest.raises(ModelCheckError) as error:
        check_model(build(cfg))
    assert str(error.value) == message


def test_slide_inference_that_works_passes():
    cfg = uda_model_cfg()
    cfg.segmentor.test_cfg = dict(
        mode='slide', crop_size=(48, 48), stride=(32, 32)
    )
    assert check_model(build(cfg)) == []


def test_pfr_on_a_single_stage_is_noted():
    cfg = uda_model_cfg()
    cfg.segmentor.backbone.out_indices = (3,)
    cfg.segmentor.decode_head.in_index = 0
    notes = check_model(build(cfg))
    assert notes == [
        'model.terms.pfr: the backbone returns a single stage, so PFR aligns '
        'that one only; the paper aligns four, from low to high level: set '
        'model.segmentor.backbone.out_indices to return more (e.g. '
        '(2, 5, 8, 11) for a 12-block ViT)'
    ]
