# The synthetic benchmark's pretrained start (docs/synthetic_benchmark.md),
# fixed before any method was measured: the demo network trained from
# scratch on the labelled source alone, SGD lr 1e-2 (momentum 0.9, weight
# decay 5e-4), poly(0.9) over 1200 iterations at batch 2, with mmseg's
# PhotoMetricDistortion (its defaults), as ImageNet pretraining brings
# colour and exposure invariance that the UDA fine-tuning (AdaptSegNet's
# protocol: no augmentation) does not add. It stands for the paper's
# COCO/ImageNet-pretrained DeepLab-v2. Every demo config fine-tunes the
# network it makes; the shipped checkpoint (seed 0) is made by
#   python tools/analysis/synthetic_benchmark.py --seeds 0 --warm-start-only
_base_ = './source-only_deeplabv2-r18gn_1xb2-600_synthetic.py'
load_from = None
max_iters = 1200
poly = dict(_base_.poly, end=max_iters)
param_scheduler = dict(segmentor=[poly])
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    checkpoint=dict(interval=max_iters),
    visualization=dict(draw=False),
)
train_dataloader = dict(
    dataset=dict(
        source=dict(
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),
                dict(type='PhotoMetricDistortion'),
                dict(type='PackSegInputs'),
            ]
        )
    )
)
