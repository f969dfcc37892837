# The SegFormer row's pretrained start, made as protocol v3's warm start
# (random weights, labelled source, 4000 iterations of 128x128 crops with
# flips and PhotoMetricDistortion), as a plain mmseg model. From random
# weights the fine-tuning rate (6e-5, for ImageNet-pretrained MiT) would
# hardly move the network: 10 times that rate, the rest of the recipe kept.
_base_ = './segformer_mit-tiny_1xb2-5000_synthetic-128x128.py'
iters = _base_.warm_start_iters
optim_wrapper = dict(optimizer=dict(lr=6e-4))
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=iters),
]
train_cfg = dict(max_iters=iters, val_interval=iters)
default_hooks = dict(checkpoint=dict(interval=iters))
train_dataloader = dict(dataset=dict(pipeline=_base_.warm_start_pipeline))
