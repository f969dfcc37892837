# DAFormer's recipe (Hoyer et al., CVPR 2022) on DeepLab-v2 R101 (ResNetV1c,
# ImageNet weights; DAFormer's 'dlv2red':
# _base_/models/deeplabv2red_r101v1c.py), SYNTHIA -> Cityscapes in DAFormer's
# data protocol (batch 2 of 512x512 crops): self-training with ClassMix (lambda
# 1), a mean teacher with EMA 0.999 and the pseudo-label crop (15 top / 120
# bottom rows of weight 0), the thing-class ImageNet feature distance (lambda
# 0.005), rare-class sampling (T 0.01) and AdamW 6e-5 with 1500 warm-up
# iterations, 40k iterations. Where each number comes from: the _base_ files
# below and docs/uda_recipe.md.
# No paper number for this pair was found in DAFormer's or MIC's READMEs.
_base_ = [
    '../_base_/models/deeplabv2red_r101v1c.py',
    '../_base_/datasets/uda_synthia_to_cityscapes_512x512.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/adamw_poly10warm_40k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.daformer, _delete_=True, segmentor=_base_.model)
train_dataloader = dict(
    dataset=dict(rare_class_sampling=_base_.rare_class_sampling)
)
default_hooks = dict(checkpoint=dict(save_best='mIoU16'))
