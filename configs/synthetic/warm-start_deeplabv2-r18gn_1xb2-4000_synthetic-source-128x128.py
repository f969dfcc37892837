# Protocol v3's pretrained start (docs/synthetic_benchmark.md), the
# stand-in for the paper's ImageNet/COCO-pretrained DeepLab-v2: the demo
# network from random weights on the labelled source alone, 4000
# iterations of batch 2 on 128x128 crops with flips and mmseg's
# PhotoMetricDistortion (its defaults), SGD lr 1e-2 (momentum 0.9, weight
# decay 5e-4), poly(0.9). No target image is seen. Every v3 row of a seed
# fine-tunes the network it makes (synthetic_benchmark.py passes it as
# load_from).
_base_ = './source-only_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
max_iters = _base_.warm_start_iters
poly = dict(_base_.poly, end=max_iters)
param_scheduler = dict(segmentor=[poly])
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
train_dataloader = dict(
    dataset=dict(source=dict(pipeline=_base_.warm_start_pipeline))
)
