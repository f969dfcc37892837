# The PFR paper's method on mmseg's ResNetV1c-101 (ImageNet weights):
# DeepLab-v2, PFR on stages 2-5 (lambda_pfr 0.004) plus output-space
# adversarial learning (lambda_adv 0.002), Cityscapes (1024x512) -> ACDC
# (960x540, all four conditions), batch 1, AdaptSegNet's schedule (SGD
# 2.5e-4, classifier x10, poly 0.9 over 250k, stopped at 150k; D: Adam
# 1e-4), validated on ACDC val every 4k iterations per condition and over
# all, the best checkpoint kept on the overall mIoU. Each number is
# explained where it is set, in the _base_ files below.
# No paper reports PFR on ACDC. The papers' adversarial DeepLab-v2 figure
# (HRDA README): ADVENT 32.7 mIoU on the ACDC test server, not val.
_base_ = [
    '../_base_/models/deeplabv2_r101v1c.py',
    '../_base_/datasets/uda_cityscapes_to_acdc.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/adaptsegnet_150k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
