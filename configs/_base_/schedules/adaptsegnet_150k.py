# AdaptSegNet's protocol, which the PFR paper follows: SGD for the
# segmentor (lr 2.5e-4, classifier x10, momentum 0.9, weight decay 5e-4),
# Adam for D (optim_wrapper.adv: lr 1e-4, betas (0.9, 0.99)), both with poly(0.9) decay over
# 250k iterations, training stopped at 150k (AdaptSegNet's NUM_STEPS_STOP in
# train_gta2cityscapes_multi.py; 120k is ADVENT's early stop, not
# AdaptSegNet's); batch 1 per domain.
max_decay_iters = 250000
optim_wrapper = dict(
    constructor='UDAOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
        paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.0)}),
    ),
    adv=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99)),
    ),
)
poly = dict(
    type='PolyLR',
    eta_min=0.0,
    power=0.9,
    begin=0,
    end=max_decay_iters,
    by_epoch=False,
)
param_scheduler = dict(segmentor=[poly], adv=[poly])
train_cfg = dict(
    type='NoReplayIterBasedTrainLoop', max_iters=150000, val_interval=4000
)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# GAN training is noisy: validate often and keep the best snapshot (on
# Cityscapes val, as AdaptSegNet and PFR report) and the last one.
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=4000,
        max_keep_ckpts=2,
        save_best='mIoU',
        rule='greater',
    ),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'),
)
