# Self-training alone on SYNTHIA (1280x760) -> Cityscapes with AdaptSegNet's
# network; mIoU over 19, 16 and 13 classes, best checkpoint by mIoU16.
_base_ = [
    '../_base_/models/deeplabv2_r101-caffe.py',
    '../_base_/datasets/uda_synthia_to_cityscapes.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/adaptsegnet_150k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.self_training, _delete_=True, segmentor=_base_.model)
default_hooks = dict(checkpoint=dict(save_best='mIoU16'))
