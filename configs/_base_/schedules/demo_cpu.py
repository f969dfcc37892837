# The demo's schedule, fixed before any method was measured: SGD from
# scratch (lr 0.01, momentum 0.9, weight decay 5e-4; no 10x classifier rate,
# which is for fine-tuning a pretrained backbone) and D's Adam 1e-4 from
# AdaptSegNet, both with poly(0.9) decay over the run. The length is what
# the README's promise allows: the PFR + adv demo, data generation included,
# in under 5 minutes on 2 CPU cores (about 3.5 measured).
max_iters = 600
optim_wrapper = dict(
    constructor='UDAOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4),
    ),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99)),
    ),
)
poly = dict(
    type='PolyLR',
    eta_min=0.0,
    power=0.9,
    begin=0,
    end=max_iters,
    by_epoch=False,
)
param_scheduler = dict(segmentor=[poly], discriminator=[poly])
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters
)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # Paint every 10th validation image into the work dir.
    visualization=dict(type='SegVisualizationHook', draw=True, interval=10),
)
