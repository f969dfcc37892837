# The PFR paper's network M: DeepLab-v2 (ASPP classifier, dilations 6-24)
# on a ResNet-101 dilated to output stride 8, BN frozen, ImageNet weights.
# The backbone is mmseg's ResNetV1c as in DAFormer/MIC (the AdaptSegNet
# caffe-style variant with COCO weights is deeplabv2_r101-caffe.py).
# A plain mmseg segmentor: a leaf config wraps it in the UDA model
# (_base_/uda/terms.py); PFR aligns the four stages it returns,
# conv2_x..conv5_x.
norm_cfg = dict(type='BN', requires_grad=False)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=8,
)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='ResNetV1c',
        depth=101,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 2, 4),
        strides=(1, 2, 1, 1),
        norm_cfg=norm_cfg,
        norm_eval=True,  # BN statistics are never updated by target data
        contract_dilation=True,
        style='pytorch',
        init_cfg=dict(
            type='Pretrained', checkpoint='open-mmlab://resnet101_v1c'
        ),
    ),
    decode_head=dict(
        type='DLV2Head',
        in_channels=2048,
        in_index=3,
        dilations=(6, 12, 18, 24),
        num_classes=19,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss',
            use_sigmoid=False,
            # Mean over labelled pixels, as AdaptSegNet's CrossEntropy2d
            # (mmseg's default divides by all pixels, ignored included).
            avg_non_ignore=True,
            loss_weight=1.0,
        ),
    ),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'),
)
