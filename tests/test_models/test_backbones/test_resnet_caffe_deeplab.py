"""ResNetCaffeDeepLab: mmseg's ResNet with caffe's ceil-mode stem pool."""

import math
from pathlib import Path
from typing import Tuple

import pytest
import torch
from mmengine.config import Config
from mmseg.models.backbones import ResNet
from mmseg.registry import MODELS

from mmseg_pfr.models.backbones import ResNetCaffeDeepLab

CONFIG = (
    Path(__file__).resolve().parents[3]
    / 'configs/_base_/models/deeplabv2_r101-caffe.py'
)


def caffe_grid(size: int) -> Tuple[int, int]:
    """The caffe DeepLab's conv2_x and conv3_x..conv5_x sizes along one
    axis: 7x7/2 conv (pad 3), 3x3/2 max-pool (pad 1) rounding up, then the
    only other stride, conv3_x's 1x1/2 conv."""
    stem = (size + 2 * 3 - 7) // 2 + 1
    pooled = math.ceil((stem + 2 * 1 - 3) / 2) + 1
    return pooled, (pooled - 1) // 2 + 1


def config_backbone(**overrides) -> dict:
    cfg = Config.fromfile(str(CONFIG)).model.backbone.to_dict()
    cfg.update(init_cfg=None, **overrides)
    return cfg


def test_config_backbone_stages_channels_and_stride():
    # ResNet-50 has ResNet-101's stage widths and strides (101 only adds
    # conv4_x blocks) and keeps this test fast.
    model = MODELS.build(config_backbone(depth=50))
    assert isinstance(model, ResNetCaffeDeepLab)
    model.eval()  # mmseg's ResNet.train() returns None: no chaining
    with torch.no_grad():
        stages = model(torch.randn(1, 3, 64, 96))
    (h1, h8), (w1, w8) = caffe_grid(64), caffe_grid(96)
    assert [s.shape[1:] for s in stages] == [
        (256, h1, w1),
        (512, h8, w8),
        (1024, h8, w8),
        (2048, h8, w8),
    ]
    # Output stride 8, plus the cell that rounding up adds where the stem
    # conv's output is even (64 -> 32, 96 -> 48).
    assert (h8, w8) == (64 // 8 + 1, 96 // 8 + 1)


@pytest.mark.parametrize(
    'crop, caffe, mmseg',
    [
        ((720, 1280), (181, 321), (180, 320)),  # GTA5 in AdaptSegNet
        ((512, 1024), (129, 257), (128, 256)),  # Cityscapes in AdaptSegNet
        ((65, 97), (17, 25), (17, 25)),  # odd stem output: no difference
    ],
)
def test_stem_pool_rounds_up_where_mmseg_rounds_down(crop, caffe, mmseg):
    ours = ResNetCaffeDeepLab(depth=18, base_channels=8, stem_channels=8)
    theirs = ResNet(depth=18, base_channels=8, stem_channels=8)
    # The stem conv's output (stride 2, one channel is enough for pooling).
    stem_out = torch.zeros(1, 1, (crop[0] + 1) // 2, (crop[1] + 1) // 2)
    assert ours.maxpool(stem_out).shape[2:] == caffe
    assert theirs.maxpool(stem_out).shape[2:] == mmseg
    assert caffe == (caffe_grid(crop[0])[0], caffe_grid(crop[1])[0])


def test_without_ceil_mode_it_is_mmseg_resnet():
    kwargs = dict(depth=50, base_channels=8, stem_channels=8, style='caffe')
    theirs = ResNet(**kwargs)
    ours = ResNetCaffeDeepLab(stem_ceil_mode=False, **kwargs)
    ours.load_state_dict(theirs.state_dict(), strict=True)
    ours.eval()
    theirs.eval()
    x = torch.randn(1, 3, 64, 96)
    with torch.no_grad():
        for a, b in zip(ours(x), theirs(x)):
            torch.testing.assert_close(a, b, rtol=0, atol=0)


def landing_pixels(head, cells: int, pixels: int) -> torch.Tensor:
    """Where each of ``cells`` logit columns lands after the head resizes
    its logits to ``pixels`` columns: the argmax pixel of a one-hot cell."""
    logits = torch.eye(cells).view(1, cells, 1, cells)  # class c peaks at c
    meta = dict(
        img_shape=(1, pixels), ori_shape=(1, pixels), pad_shape=(1, pixels)
    )
    head.num_classes = cells
    probs = head.predict_by_feat(logits, [meta])[0, :, 0, :]  # (cells, px)
    return probs.argmax(dim=1).float()


@pytest.mark.parametrize('pixels', [1280, 1024, 2048])
def test_config_head_puts_cell_i_at_pixel_8i(pixels):
    # The ceil-mode grid: cell i of conv5_x is centred on input pixel 8i
    # (161 cells for 1280 pixels). With the config's align_corners=True
    # each cell's logits land there within a pixel, also on 2048-pixel
    # labels predicted from a 1024-pixel input (16i).
    cfg = Config.fromfile(str(CONFIG)).model.decode_head
    assert cfg.align_corners is True
    input_px = 1024 if pixels == 2048 else pixels
    cells = caffe_grid(input_px)[1]
    assert cells == input_px // 8 + 1
    head = MODELS.build(cfg.to_dict())
    scale = pixels / input_px
    expected = 8 * scale * torch.arange(cells).float()
    landed = landing_pixels(head, cells, pixels)
    assert (landed - expected).abs().max() <= max(1.0, scale)
    # align_corners=False would misplace cells by several pixels.
    head.align_corners = False
    wrong = (landing_pixels(head, cells, pixels) - expected).abs().max()
    assert wrong >= 3.4 * scale
