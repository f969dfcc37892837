# The paper's method on SYNTHIA (RAND-CITYSCAPES, 1280x760) -> Cityscapes,
# evaluated over all 19 classes and the 16 and 13 that SYNTHIA papers
# report; the best checkpoint is chosen by mIoU16.
_base_ = [
    '../_base_/models/deeplabv2_r101v1c.py',
    '../_base_/datasets/uda_synthia_to_cityscapes.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/adaptsegnet_150k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
default_hooks = dict(checkpoint=dict(save_best='mIoU16'))
