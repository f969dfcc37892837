# DAFormer (Hoyer et al., CVPR 2022) as its paper trains it: DAFormer's
# network (mmseg's MiT-B5, ImageNet weights, with DAFormer's context-aware
# fusion decoder, DAFormerHead) and its recipe, GTA5 -> Cityscapes in
# DAFormer's data protocol (batch 2 of 512x512 crops): self-training with
# ClassMix (lambda 1), a mean teacher with EMA 0.999 and the pseudo-label
# crop (15 top / 120 bottom rows of weight 0), the thing-class ImageNet
# feature distance (lambda 0.005), rare-class sampling (T 0.01) and AdamW
# 6e-5 with 1500 warm-up iterations, 40k iterations. Where each number comes
# from, and where we still differ from the authors' code: the _base_ files
# below and docs/uda_recipe.md.
# Paper's (DAFormer README, this network): 68.3 mIoU.
_base_ = [
    '../_base_/models/daformerhead_mit-b5.py',
    '../_base_/datasets/uda_gta_to_cityscapes_512x512.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/segformer_adamw_40k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.daformer, _delete_=True, segmentor=_base_.model)
train_dataloader = dict(
    dataset=dict(rare_class_sampling=_base_.rare_class_sampling)
)
