# DeepLab-v2 as AdaptSegNet and CLAN run it: their caffe-style
# ResNet-101 initialised from the COCO-pretrained DeepLab-v2, which is worth
# about 1.4 mIoU over ImageNet weights (42.0 vs 40.6). A drop-in
# alternative to deeplabv2_r101v1c.py (mmseg's ResNetV1c, ImageNet weights,
# as in DAFormer/MIC).
#
# The weights: convert the released file once (where to get it:
# docs/pretrained_weights.md) with
#   python tools/model_converters/deeplab_coco2mmseg.py \
#       DeepLab_resnet_pretrained_init-f81d91e8.pth \
#       pretrain/deeplabv2_r101-caffe_coco.pth
norm_cfg = dict(type='BN', requires_grad=False)  # BN affine frozen
data_preprocessor = dict(
    type='SegDataPreProcessor',
    # The caffe model's input: BGR, as cv2 loads it, minus its per-channel
    # (B, G, R) mean, not divided by any std.
    mean=[104.00698793, 116.66876762, 122.67891434],
    std=[1.0, 1.0, 1.0],
    bgr_to_rgb=False,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=8,  # batches of equal-size crops need no padding
)
model = dict(
    type='UDASegmentor',
    segmentor=dict(
        type='EncoderDecoder',
        data_preprocessor=data_preprocessor,
        backbone=dict(
            # mmseg's ResNet plus caffe's ceil-mode stem max-pool, which the
            # weights were trained with (161x91 rather than 160x90 conv5_x
            # cells for a 1280x720 crop).
            type='ResNetCaffeDeepLab',
            stem_ceil_mode=True,
            depth=101,
            deep_stem=False,  # one 7x7 stem conv
            style='caffe',  # stride on each stage's first 1x1 conv
            num_stages=4,
            out_indices=(0, 1, 2, 3),  # conv2_x..conv5_x, for PFR
            # Output stride 8: conv4_x and conv5_x dilated 2 and 4, their
            # first blocks included (contract_dilation=False).
            strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4),
            contract_dilation=False,
            norm_cfg=norm_cfg,
            # BN keeps the COCO statistics, never updated by target data.
            # (AdaptSegNet's code leaves BN in training mode, so it
            # normalises with batch statistics and its running ones drift:
            # AdaptSegNet issue #79.)
            norm_eval=True,
            init_cfg=dict(
                type='Pretrained',
                checkpoint='pretrain/deeplabv2_r101-caffe_coco.pth',
                prefix='backbone.',
            ),
        ),
        neck=dict(type='PFRNeck', in_index=(0, 1, 2, 3)),
        decode_head=dict(
            type='DLV2Head',
            in_channels=2048,
            in_index=3,
            # DeepLab-v2's ASPP-L, as CLAN sums it; AdaptSegNet's code
            # returns after the second branch: (6, 12) reproduces that.
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
    ),
)
