# PFR + output-space adversarial learning on a modern backbone: mmseg's
# SegFormer with MiT-B5 (ImageNet weights), the paper's lambdas, GTA5 ->
# Cityscapes with AdaptSegNet's data protocol (1280x720 / 1024x512, batch
# 1). Why the stages, weights and optimizer are what they are: the
# _base_/models/segformer_mit-b5.py and _base_/schedules files.
_base_ = [
    '../_base_/models/segformer_mit-b5.py',
    '../_base_/datasets/uda_gta_to_cityscapes.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/segformer_adamw_40k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
