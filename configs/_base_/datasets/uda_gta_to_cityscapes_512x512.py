# GTA5 -> Cityscapes in DAFormer's data protocol (lhoyer/DAFormer
# configs/_base_/datasets/uda_gta_to_cityscapes_512x512.py; HRDA and MIC
# at half resolution too), which its, HRDA's and MIC's numbers use:
# batch 2 of 512x512 crops, each GTA5 frame resized to fit 1280x720 (aspect
# ratio kept: 1914x1052 -> 1280x704) and each Cityscapes image to 1024x512,
# random crops (at most 75% of a source crop one class) and horizontal
# flips. AdaptSegNet's protocol, which the PFR paper follows, trains on
# whole 1280x720 / 1024x512 images at batch 1 without augmentation
# (uda_gta_to_cityscapes.py). The source crop is RareClassRandomCrop, which
# is RandomCrop, draws included, until a config turns rare-class sampling
# on (train_dataloader.dataset.rare_class_sampling). Validation as there:
# Cityscapes val at 1024x512 against full-size labels.
_base_ = ['./uda_gta_to_cityscapes.py']
crop_size = (512, 512)
gta_daformer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadTrainIdAnnotations'),
    dict(type='Resize', scale=(1280, 720), keep_ratio=True),
    dict(type='RareClassRandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
cityscapes_daformer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
# DAFormer's rare-class sampling, off until a leaf config sets
# train_dataloader.dataset.rare_class_sampling=rare_class_sampling
# (docs/uda_recipe.md, Rare-class sampling).
rare_class_sampling = dict(
    min_pixels=3000, class_temp=0.01, min_crop_ratio=0.5
)
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        source=dict(pipeline=gta_daformer_pipeline),
        target=dict(pipeline=cityscapes_daformer_pipeline),
    ),
)
