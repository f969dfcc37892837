# DeepLab-v2 as AdaptSegNet and CLAN run it: their caffe-style
# ResNet-101 initialised from the COCO-pretrained DeepLab-v2, which is worth
# about 1.4 mIoU over ImageNet weights (42.0 vs 40.6). The same segmentor
# as deeplabv2_r101v1c.py (mmseg's ResNetV1c, ImageNet weights, as in
# DAFormer/MIC) but for the backbone and the input it expects.
#
# The weights: convert the released file once (where to get it:
# docs/pretrained_weights.md) with
#   python tools/model_converters/deeplab_coco2mmseg.py \
#       DeepLab_resnet_pretrained_init-f81d91e8.pth \
#       pretrain/deeplabv2_r101-caffe_coco.pth
_base_ = './deeplabv2_r101v1c.py'
model = dict(
    data_preprocessor=dict(
        # The caffe model's input: BGR, as cv2 loads it, minus its
        # per-channel (B, G, R) mean, not divided by any std.
        mean=[104.00698793, 116.66876762, 122.67891434],
        std=[1.0, 1.0, 1.0],
        bgr_to_rgb=False,
    ),
    backbone=dict(
        _delete_=True,
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
        # first blocks included (AdaptSegNet does not contract the
        # first block's dilation, unlike ResNetV1c's configs).
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        contract_dilation=False,
        norm_cfg=dict(type='BN', requires_grad=False),  # affine frozen
        # BN keeps the COCO statistics, never updated by target data:
        # at batch 1 the batch statistics of one image are noisy, and
        # running statistics updated by both domains drift towards a
        # mix that evaluation then uses (AdaptSegNet issue #79).
        # AdaptSegNet's own code leaves BN in training mode (affine
        # frozen, batch statistics): norm_eval=False reproduces it, and
        # the domains are then forwarded separately, never fused.
        norm_eval=True,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrain/deeplabv2_r101-caffe_coco.pth',
            prefix='backbone.',
        ),
    ),
    # The ceil-mode grid puts output cell i at input pixel 8i (161
    # cells for 1280 pixels): align_corners=True maps it there within a
    # pixel, as AdaptSegNet interpolates in training and evaluation;
    # False misplaces cells by 3.5 to 4.5 input pixels (up to 8.4 on
    # full-size labels), varying with position, which no convolution
    # can learn away. Every resize of the logits uses it (loss,
    # prediction, D's input, pseudo-labels).
    decode_head=dict(align_corners=True),
)
