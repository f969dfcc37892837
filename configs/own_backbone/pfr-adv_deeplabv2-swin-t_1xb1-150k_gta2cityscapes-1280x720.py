# PFR on your own backbone (docs/own_backbone.md): the paper's config with
# mmseg's Swin-T (ImageNet-1k weights) in place of ResNet-101. PFR taps its
# four stages (96/192/384/768 channels, strides 4/8/16/32), the DeepLab-v2
# head reads the last; unit stage weights, not tuned (the guide says how).
_base_ = (
    '../pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'
)
swin_t = 'https://download.openmmlab.com/mmsegmentation/v0.5/pretrain/swin/swin_tiny_patch4_window7_224_20220317-1cdeb081.pth'  # noqa
model = dict(
    segmentor=dict(
        backbone=dict(
            _delete_=True,
            type='SwinTransformer',
            embed_dims=96,
            depths=[2, 2, 6, 2],
            num_heads=[3, 6, 12, 24],
            init_cfg=dict(type='Pretrained', checkpoint=swin_t),
        ),
        decode_head=dict(in_channels=768),
    )
)
