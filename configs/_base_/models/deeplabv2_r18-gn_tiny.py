# The demo's network: the paper's DeepLab-v2 layout at toy size, trained
# from scratch on CPU in minutes. A ResNet-18 of width 16 (stages of
# 16/32/64/128 channels) dilated to output stride 8 as in the paper, PFR on
# all four stages, and DeepLab-v2's summed dilated classifier with two
# branches at rates 1 and 2: AdaptSegNet's effective rates 6 and 12 scaled
# to the 18x32 feature map of a 144x256 image. GroupNorm instead of frozen
# BN: from scratch there are no statistics to freeze, and like frozen BN it
# never mixes samples (so target images never change how source images are
# normalised).
norm_cfg = dict(type='GN', num_groups=8, requires_grad=True)
model = dict(
    type='UDASegmentor',
    segmentor=dict(
        type='EncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True,
            pad_val=0,
            seg_pad_val=255,
            size_divisor=8,
        ),
        backbone=dict(
            type='ResNetV1c',
            depth=18,
            base_channels=16,
            stem_channels=16,
            num_stages=4,
            out_indices=(0, 1, 2, 3),
            strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4),
            contract_dilation=True,
            norm_cfg=norm_cfg,
            norm_eval=False,
            style='pytorch',
        ),
        neck=dict(type='PFRNeck', in_index=(0, 1, 2, 3)),
        decode_head=dict(
            type='DLV2Head',
            in_channels=128,
            in_index=3,
            dilations=(1, 2),
            num_classes=19,
            align_corners=False,
            loss_decode=dict(
                type='CrossEntropyLoss',
                use_sigmoid=False,
                avg_non_ignore=True,
                loss_weight=1.0,
            ),
        ),
        train_cfg=dict(),
        test_cfg=dict(mode='whole'),
    ),
)
