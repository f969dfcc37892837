# The DeepLabV3+ row's pretrained start, made as protocol v3's warm start
# (random weights, labelled source, 4000 iterations of 128x128 crops with
# flips and PhotoMetricDistortion), as a plain mmseg model.
_base_ = './deeplabv3plus_r18gn_1xb2-5000_synthetic-128x128.py'
iters = _base_.warm_start_iters
param_scheduler = [dict(_base_.param_scheduler[0], end=iters)]
train_cfg = dict(max_iters=iters, val_interval=iters)
default_hooks = dict(checkpoint=dict(interval=iters))
train_dataloader = dict(dataset=dict(pipeline=_base_.warm_start_pipeline))
