# GTA5 -> Cityscapes at full resolution, HRDA's data protocol (lhoyer/HRDA
# configs/_base_/datasets/uda_gtaHR_to_cityscapesHR_1024x1024.py), which
# HRDA's and MIC-on-HRDA's numbers use: batch 2 of 1024x1024 crops, each
# GTA5 frame resized to fit 2560x1440 (aspect ratio kept: 1914x1052 ->
# 2560x1407) and each Cityscapes image kept at 2048x1024, random crops (at
# most 75% of a source crop one class) and horizontal flips; the
# multi-resolution segmentor sees each crop as a 512x512 context and a
# 512x512 detail crop (docs/hrda.md). Validation on Cityscapes val at
# 2048x1024 (HRDA tests with 1024x1024 sliding windows: the model's
# test_cfg). Rare-class sampling's crop ratio is 2.0 (HRDA: 4 times the
# pixels of DAFormer's 512x512 crops of half-resolution images, 0.5).
_base_ = ['./uda_gta_to_cityscapes.py', './cityscapesHR_1024x1024.py']
gta_hrda_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadTrainIdAnnotations'),
    dict(type='Resize', scale=(2560, 1440), keep_ratio=True),
    dict(
        type='RareClassRandomCrop',
        crop_size=_base_.crop_size,
        cat_max_ratio=0.75,
    ),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
# HRDA's rare-class sampling, off until a leaf config sets
# train_dataloader.dataset.rare_class_sampling=rare_class_sampling.
rare_class_sampling = dict(
    min_pixels=3000, class_temp=0.01, min_crop_ratio=2.0
)
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        source=dict(pipeline=gta_hrda_pipeline),
        target=dict(pipeline=_base_.cityscapes_hrda_pipeline),
    ),
)
val_dataloader = dict(
    dataset=dict(pipeline=_base_.cityscapes_hrda_test_pipeline)
)
test_dataloader = val_dataloader
