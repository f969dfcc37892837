# Protocol v3 of the synthetic benchmark (docs/synthetic_benchmark.md,
# "Protocol v3"): what every row of the miniature shares, as variables that
# the benchmark's configs (ours and the stock mmseg ones) read. Its steps
# were written before each was measured; this is the best of the three
# (self-training closed 19.5 % of the gap on seed 0, short of the 35 %
# aimed at): step 1's augmentation, lengths and val size, step 2's target
# style (mmseg_pfr/synthetic/domains.py), step 3's 5000 fine-tuning
# iterations.
#
# DACS/DAFormer's augmentation at the miniature's scale: they crop 512x512
# from GTA5 at 1280x720 (source, cat_max_ratio 0.75) and from Cityscapes at
# 1024x512 (target), half the target's width, and flip half the crops; here
# 128x128 from 144x256 (source) and 128x256 (target) images. The warm start
# (the stand-in for ImageNet/COCO pretraining) also sees mmseg's
# PhotoMetricDistortion, as in protocol v2, and the same crops and flips, so
# that fine-tuning never shows the network crops it was not trained on.
crop_size = (128, 128)
warm_start_iters = 4000
# Step 3: the most the 100-minute budget of the calibration rows allows.
fine_tune_iters = 5000
# Scored on 400 val images per domain (the default set has 100); each
# sample has its own random stream, so the first 100 are the default set's.
val_images = 400
source_crop_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
target_crop_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
warm_start_pipeline = [
    *source_crop_pipeline[:-1],
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
