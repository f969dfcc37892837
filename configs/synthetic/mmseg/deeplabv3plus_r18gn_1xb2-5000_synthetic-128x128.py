# Stock mmseg row: mmseg's DeepLabV3+ (mmseg::_base_/models/
# deeplabv3plus_r50-d8.py, unchanged but for size) on the miniature's
# ResNetV1c-18 of width 16 (output stride 8, GroupNorm), trained as a plain
# mmseg model on the labelled source (protocol v3), fine-tuning its own
# plain warm start (warm-start_deeplabv3plus_*; the benchmark passes it as
# load_from). The head is shrunk with the backbone (ResNet-50's 2048
# channels -> 128): ASPP 512 -> 32 channels, its rates (1, 12, 24, 36) for
# 64x128 feature maps of 512x1024 crops scaled to the 16x32 maps here
# (1, 3, 6, 9); the low-level skip 48 -> 8 channels; the auxiliary FCN head
# 256 -> 16.
_base_ = [
    'mmseg::_base_/models/deeplabv3plus_r50-d8.py',
    './_base_/plain_v3.py',
]
model = dict(
    data_preprocessor=dict(size=_base_.crop_size),
    pretrained=None,
    backbone=dict(
        depth=18,
        base_channels=16,
        stem_channels=16,
        norm_cfg=_base_.group_norm,
    ),
    decode_head=dict(
        in_channels=128,
        channels=32,
        dilations=(1, 3, 6, 9),
        c1_in_channels=16,
        c1_channels=8,
        norm_cfg=_base_.group_norm,
    ),
    auxiliary_head=dict(
        in_channels=64, channels=16, norm_cfg=_base_.group_norm
    ),
)
