# HRDA on DeepLab-v2 (lhoyer/HRDA experiments.py, experiment 41:
# 'hrda1-512-0.1_dlv2red' with 'r101v1c'): DAFormer's DeepLab-v2
# (deeplabv2red_r101v1c.py, unchanged) inside the multi-resolution
# segmentor as hrda_daformerhead_mit-b5.py sets it (context at 0.5, 512x512
# detail crops on a grid of 8, detail loss 0.1, 1024x1024 sliding test
# windows). The attention head is a copy of the DeepLab-v2 classifier, as
# HRDA builds it for DLV2Head.
_base_ = './deeplabv2red_r101v1c.py'
model = dict(
    _delete_=True,
    type='MultiResEncoderDecoder',
    segmentor=dict(
        _base_.model,
        test_cfg=dict(mode='slide', crop_size=(1024, 1024), stride=(512, 512)),
    ),
    scales=(0.5, 1.0),
    detail_crop=(512, 512),
    crop_divisible=8,
    attention_classwise=True,
    detail_loss_weight=0.1,
    context_loss_weight=0.0,
    detail_slide=True,
    detail_slide_overlap=True,
)
