# Baseline: AdaptSegNet multi-level (Tsai et al., CVPR 2018; its
# train_gta2cityscapes_multi.py), the setting of its paper's 42.4 mIoU
# (GTA5 -> Cityscapes, COCO-pretrained caffe DeepLab-v2): the single-level
# baseline plus a second classifier on conv4_x (the segmentor's
# auxiliary_head, its layer5: 1024 channels, trained on the source with
# lambda_seg 0.1) and a second D reading it (adv_aux, lambda_adv1 2e-4;
# the main level keeps lambda_adv2 1e-3). Both classifiers learn at 10x the
# backbone's rate (their optim_parameters: layer5 and layer6), each D has
# its own Adam (optim_wrapper.adv, .adv_aux). Both classifiers have all
# four ASPP branches, like our other runs; AdaptSegNet's code effectively
# uses two (set decode_head and auxiliary_head dilations=(6, 12)).
_base_ = './adaptsegnet_deeplabv2-r101-caffe-coco_1xb1-150k_gta2cityscapes-1280x720.py'  # noqa
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
