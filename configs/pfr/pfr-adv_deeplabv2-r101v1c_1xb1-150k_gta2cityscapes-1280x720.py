# The PFR paper's experiment on mmseg's ResNetV1c-101 with ImageNet weights,
# the alternative to AdaptSegNet's network for users without the COCO file
# (the paper's own: pfr-adv_deeplabv2-r101-caffe-coco_...). DeepLab-v2, PFR
# on stages 2-5 (lambda_pfr 0.004) plus output-space adversarial learning
# (lambda_adv 0.002), GTA5 (1280x720) -> Cityscapes (1024x512), batch 1,
# AdaptSegNet's schedule (SGD 2.5e-4, classifier x10, poly 0.9 over 250k,
# stopped at 150k; D: Adam 1e-4), validated on Cityscapes val every 4k
# iterations with the best and the last checkpoints kept. Each number is
# explained where it is set, in the _base_ files below. Paper: 44.5 mIoU.
_base_ = [
    '../_base_/models/deeplabv2_r101v1c.py',
    '../_base_/datasets/uda_gta_to_cityscapes.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/adaptsegnet_150k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
