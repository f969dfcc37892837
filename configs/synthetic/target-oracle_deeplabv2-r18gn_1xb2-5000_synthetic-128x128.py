# Benchmark row (protocol v3), the upper bound: trained on labelled target
# images (the target train split with its labels as the "source", the
# source's crops and flips), no adaptation.
_base_ = './source-only_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
train_dataloader = dict(
    dataset=dict(
        source=dict(_base_.target_train, pipeline=_base_.source_crop_pipeline),
    )
)
