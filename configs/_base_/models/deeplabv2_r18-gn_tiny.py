# The demo's network: the paper's DeepLab-v2 (deeplabv2_r101v1c.py) at toy
# size, trained from scratch on CPU in minutes. A ResNet-18 of width 16
# (stages of 16/32/64/128 channels) dilated to output stride 8 as in the
# paper, PFR on all four stages, and DeepLab-v2's summed dilated classifier
# with two branches at rates 1 and 2: AdaptSegNet's effective rates 6 and 12
# scaled to the 18x32 feature map of a 144x256 image. GroupNorm instead of
# frozen BN: from scratch there are no statistics to freeze, and like frozen
# BN it never mixes samples (so target images never change how source
# images are normalised).
_base_ = './deeplabv2_r101v1c.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetV1c',
        depth=18,
        base_channels=16,
        stem_channels=16,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        contract_dilation=True,
        norm_cfg=dict(type='GN', num_groups=8, requires_grad=True),
        norm_eval=False,
        style='pytorch',
    ),
    decode_head=dict(in_channels=128, dilations=(1, 2)),
)
