# PFR + output-space adversarial learning on a modern backbone: mmseg's
# SegFormer with MiT-B5 (ImageNet weights), the paper's lambdas, GTA5 ->
# Cityscapes with AdaptSegNet's data protocol (1280x720 / 1024x512, batch
# 1). Why the stages, weights and optimizer are what they are: the
# _base_/models/segformer_mit-b0.py and _base_/schedules files.
_base_ = [
    '../_base_/models/segformer_mit-b0.py',
    '../_base_/datasets/uda_gta_to_cityscapes.py',
    '../_base_/uda/pfr_adv.py',
    '../_base_/schedules/segformer_adamw_40k.py',
    '../_base_/default_runtime.py',
]
mit_b5 = 'https://download.openmmlab.com/mmsegmentation/v0.5/pretrain/segformer/mit_b5_20220624-658746d9.pth'  # noqa
model = dict(
    **_base_.uda,
    segmentor=dict(
        backbone=dict(
            init_cfg=dict(type='Pretrained', checkpoint=mit_b5),
            embed_dims=64,
            num_layers=[3, 6, 40, 3],
        ),
        decode_head=dict(in_channels=[64, 128, 320, 512]),
    ),
)
