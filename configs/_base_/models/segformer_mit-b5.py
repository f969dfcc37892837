# mmseg's own SegFormer (MiT backbone, all-MLP head) at size B5, as mmseg's
# segformer_mit-b5 configs set it (DAFormer's network), with the ImageNet
# weights; the segmentor is mmseg's, untouched: a leaf wraps it in the UDA
# model, and PFR aligns the four MiT stages it returns (64/128/320/512
# channels at strides 4/8/16/32), unit weights, nothing tuned on evaluation
# data. The head's BatchNorm (SyncBN, plain BN on one GPU) trains with
# batch statistics, so source and target are forwarded separately
# (fuse_forward cannot apply) and its running statistics see both domains,
# like AdaBN; MiT itself uses LayerNorm.
_base_ = 'mmseg::_base_/models/segformer_mit-b0.py'
mit_b5 = 'https://download.openmmlab.com/mmsegmentation/v0.5/pretrain/segformer/mit_b5_20220624-658746d9.pth'  # noqa
model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint=mit_b5),
        embed_dims=64,
        num_layers=[3, 6, 40, 3],
    ),
    decode_head=dict(in_channels=[64, 128, 320, 512]),
)
