# Benchmark row under protocol v3 (docs/synthetic_benchmark.md): the demo's
# PFR + adv (the paper's weights; configs/demo/pfr-adv_*) fine-tuned for
# 5000 iterations on 128x128 crops with flips, scored on 400 val images.
# Every other v3 row changes only the model, as the demo rows do. The
# benchmark passes each seed's warm start with load_from (made by
# warm-start_deeplabv2-r18gn_1xb2-4000_synthetic-source-128x128.py).
_base_ = [
    '../demo/pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py',
    './_base_/protocol_v3.py',
]
load_from = None
max_iters = _base_.fine_tune_iters
poly = dict(_base_.poly, end=max_iters)
param_scheduler = dict(segmentor=[poly], adv=[poly])
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    checkpoint=dict(interval=max_iters),
    visualization=dict(draw=False),
)
train_dataloader = dict(
    dataset=dict(
        source=dict(pipeline=_base_.source_crop_pipeline),
        target=dict(pipeline=_base_.target_crop_pipeline),
    )
)
val_dataloader = dict(dataset=dict(num_samples=_base_.val_images))
test_dataloader = val_dataloader
