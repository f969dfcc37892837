# Benchmark row (protocol v3): HRDA's multi-resolution training without
# adaptation, beside source-only (the same network, data and schedule). The
# miniature's 128x128 crops play HRDA's 1024x1024 ones: the context is the
# crop at half scale (64x64: 8x8 cells at output stride 8), the detail a
# 64x64 crop at the images' own resolution on a grid of 16 (one context
# cell), HRDA's shares; validation on the whole image, the detail in 64x64
# windows at a stride of 32. The scale attention head (a copy of the
# DeepLab-v2 classifier) starts from scratch; the rest is the warm start.
_base_ = './source-only_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
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
