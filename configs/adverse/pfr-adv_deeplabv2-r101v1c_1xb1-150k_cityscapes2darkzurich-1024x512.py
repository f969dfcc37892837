# The PFR paper's method on mmseg's ResNetV1c-101 (ImageNet weights):
# DeepLab-v2, PFR on stages 2-5 (lambda_pfr 0.004) plus output-space
# adversarial learning (lambda_adv 0.002), Cityscapes (1024x512) -> Dark
# Zurich (960x540, train night), batch 1, AdaptSegNet's schedule (SGD
# 2.5e-4, classifier x10, poly 0.9 over 250k, stopped at 150k; D: Adam
# 1e-4), validated on Dark Zurich val (night) every 4k iterations with the
# best and the last checkpoints kept. Each number is explained where it is
# set, in the _base_ files below.
# No paper reports PFR on Dark Zurich. The papers' adversarial DeepLab-v2
# figure (HRDA README): ADVENT 29.7 mIoU on the Dark Zurich test server,
# not val.
_base_ = [
    '../_base_/models/deeplabv2_r101v1c.py',
    '../_base_/datasets/uda_cityscapes_to_darkzurich.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/adaptsegnet_150k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
