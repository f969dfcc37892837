# Benchmark row (protocol v3): HRDA's multi-resolution training with
# self-training (HRDA on DACS), beside self-training: the multi-resolution
# segmentor of hrda-source-only_*.py under st_*.py's recipe.
_base_ = './st_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(
    segmentor=dict(
        _delete_=True,
        type='MultiResEncoderDecoder',
        segmentor=_base_.model.segmentor,
        scales=(0.5, 1.0),
        detail_crop=(64, 64),
        crop_divisible=16,
    )
)
