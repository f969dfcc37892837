# For transformer backbones: SegFormer's optimizer as mmseg configures it
# (AdamW 6e-5, weight decay 0.01, none on norms and position blocks, head
# x10, 1500 warm-up iterations then linear decay), run for 40k iterations as
# DAFormer does for UDA with MiT-B5. D keeps AdaptSegNet's Adam 1e-4 with
# poly(0.9) decay. SGD at 2.5e-4 (the DeepLab-v2 recipe) does not train
# MiT well.
max_iters = 40000
optim_wrapper = dict(
    constructor='UDAOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(
            type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01
        ),
        paramwise_cfg=dict(
            custom_keys={
                'pos_block': dict(decay_mult=0.0),
                'norm': dict(decay_mult=0.0),
                'head': dict(lr_mult=10.0),
            }
        ),
    ),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99)),
    ),
)
param_scheduler = dict(
    segmentor=[
        dict(
            type='LinearLR',
            start_factor=1e-6,
            by_epoch=False,
            begin=0,
            end=1500,
        ),
        dict(
            type='PolyLR',
            eta_min=0.0,
            power=1.0,
            begin=1500,
            end=max_iters,
            by_epoch=False,
        ),
    ],
    discriminator=[
        dict(
            type='PolyLR',
            eta_min=0.0,
            power=0.9,
            begin=0,
            end=max_iters,
            by_epoch=False,
        )
    ],
)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
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
