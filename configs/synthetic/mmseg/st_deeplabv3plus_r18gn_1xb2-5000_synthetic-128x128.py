# The DeepLabV3+ row's UDA version: the plain mmseg model of
# deeplabv3plus_r18gn_* unchanged under UDASegmentor with mean-teacher
# self-training (DACS/DAFormer settings, _base_/uda/terms.py), fine-tuning
# the same plain warm start (the benchmark refits its keys), with the plain
# row's optimizer and schedule keyed by the segmentor, and the target train
# split at protocol v3's crops and flips beside the source.
_base_ = [
    './deeplabv3plus_r18gn_1xb2-5000_synthetic-128x128.py',
    '../../_base_/uda/terms.py',
]
model = dict(_base_.self_training, _delete_=True, segmentor=_base_.model)
train_dataloader = dict(
    sampler=dict(_delete_=True, type='UDAInfiniteSampler', shuffle=True),
    dataset=dict(
        _delete_=True,
        type='UDADataset',
        source=_base_.train_dataloader.dataset,
        target=dict(
            type='SyntheticStreetDataset',
            domain='target',
            split='train',
            pipeline=_base_.target_crop_pipeline,
        ),
    ),
)
optim_wrapper = dict(
    _delete_=True,
    constructor='UDAOptimWrapperConstructor',
    segmentor=_base_.optim_wrapper,
)
param_scheduler = dict(_delete_=True, segmentor=_base_.param_scheduler)
train_cfg = dict(type='NoReplayIterBasedTrainLoop')
