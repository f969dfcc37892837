# Stock mmseg: DeepLabV3+ R101-D8 taken from mmseg itself, trained on GTA5
# alone (source only, no UDA) with mmseg's own 80k SGD schedule, evaluated
# on Cityscapes val like our UDA runs. What plain mmseg gets on this data.
_base_ = [
    'mmseg::_base_/models/deeplabv3plus_r50-d8.py',
    '../_base_/datasets/gta_to_cityscapes_source_only.py',
    'mmseg::_base_/schedules/schedule_80k.py',
    '../_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=dict(size=(720, 1280)),
    pretrained='open-mmlab://resnet101_v1c',
    backbone=dict(depth=101),
)
