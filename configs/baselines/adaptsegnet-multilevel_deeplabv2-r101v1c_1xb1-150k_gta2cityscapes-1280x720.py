# Baseline: AdaptSegNet multi-level on mmseg's ResNetV1c-101 with ImageNet
# weights (no COCO file needed); what each setting is and where it comes
# from: adaptsegnet-multilevel_deeplabv2-r101-caffe-coco_..., whose
# network the paper's 42.4 mIoU used.
_base_ = './adaptsegnet_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'  # noqa
auxiliary_head = dict(
    _base_.model.segmentor.decode_head,
    in_channels=1024,
    in_index=2,  # conv4_x
    loss_decode=dict(
        _base_.model.segmentor.decode_head.loss_decode,
        loss_weight=0.1,  # lambda_seg
    ),
)
model = dict(
    segmentor=dict(auxiliary_head=auxiliary_head),
    terms=dict(adv_aux=_base_.adv_aux),
)
optim_wrapper = dict(
    segmentor=dict(
        paramwise_cfg=dict(custom_keys={'auxiliary_head': dict(lr_mult=10.0)})
    ),
    adv_aux=_base_.optim_wrapper.adv,
)
param_scheduler = dict(adv_aux=_base_.param_scheduler.adv)
