# What the stock mmseg rows of the synthetic benchmark share
# (docs/synthetic_benchmark.md, protocol v3): plain mmseg training, no UDA
# wrapper, with mmseg's own loop, sampler and pipeline transforms, on the
# labelled source train split at protocol v3's crops, flips and lengths;
# scored on the 400 target val images. A model leaf adds an mmseg model
# fragment (mmseg::_base_/models/...) shrunk to the miniature's compute.
_base_ = ['../../../_base_/default_runtime.py', '../../_base_/protocol_v3.py']
# GroupNorm, as the miniature's network: BatchNorm at batch 2 would
# normalise with two images' statistics (mmseg's configs use SyncBN over
# 8 GPUs x 2 images).
group_norm = dict(type='GN', num_groups=8, requires_grad=True)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='SyntheticStreetDataset',
        domain='source',
        split='train',
        pipeline=_base_.source_crop_pipeline,
    ),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SyntheticStreetDataset',
        domain='target',
        split='val',
        num_samples=_base_.val_images,
        pipeline=test_pipeline,
    ),
)
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
# mmseg's schedules/schedule_*k.py: SGD lr 1e-2, momentum 0.9, weight decay
# 5e-4, poly(0.9) to 1e-4; the miniature's length.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005),
    clip_grad=None,
)
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=1e-4,
        power=0.9,
        begin=0,
        end=_base_.fine_tune_iters,
        by_epoch=False,
    )
]
train_cfg = dict(
    type='IterBasedTrainLoop',
    max_iters=_base_.fine_tune_iters,
    val_interval=_base_.fine_tune_iters,
)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=_base_.fine_tune_iters,
        max_keep_ckpts=1,
    ),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'),
)
# The UDA rows' discriminator optimizer and schedule (PFR + adv): the demo's
# (AdaptSegNet's Adam, poly(0.9)) over the miniature's length.
d_optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99)),
)
d_poly = dict(
    type='PolyLR',
    eta_min=0.0,
    power=0.9,
    begin=0,
    end=_base_.fine_tune_iters,
    by_epoch=False,
)
