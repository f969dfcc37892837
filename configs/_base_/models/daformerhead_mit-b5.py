# DAFormer's network (Hoyer et al., CVPR 2022; lhoyer/DAFormer
# configs/_base_/models/daformer_sepaspp_mitb5.py): mmseg's MiT-B5 of
# segformer_mit-b5.py (the same ImageNet weights and four stages) with
# DAFormer's decoder, DAFormerHead, instead of mmseg's SegFormer head: each
# stage embedded to 256 channels by a linear map, the four fused by a 1x1
# and three depthwise-separable 3x3 convolutions at dilations 6, 12 and 18
# (BN, ReLU) and a 3x3 bottleneck to 256 channels, dropout 0.1. Its outputs
# equal the authors' module on the same weights and inputs
# (tests/test_models/test_daformer_head.py). The keys this file does not set
# (stages, 256 channels, dropout, 19 classes, align_corners False, the
# cross-entropy) are segformer_mit-b5.py's, which are DAFormer's too; its
# SyncBN is plain BN on one GPU, as in DAFormer (which runs on one only).
_base_ = './segformer_mit-b5.py'
# mmseg's SegFormer (all-MLP) head, for the configs that keep it.
segformer_head = _base_.model.decode_head
model = dict(
    decode_head=dict(
        type='DAFormerHead',
        embed_dims=256,
        dilations=(1, 6, 12, 18),
        separable=True,
        pool=False,
    ),
)
