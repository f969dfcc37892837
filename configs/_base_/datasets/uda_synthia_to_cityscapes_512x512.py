# SYNTHIA -> Cityscapes in DAFormer's data protocol (lhoyer/DAFormer
# configs/_base_/datasets/uda_synthia_to_cityscapes_512x512.py): batch 2 of
# 512x512 crops of SYNTHIA at 1280x760 (its own size) and Cityscapes at
# 1024x512, random crops (at most 75% of a source crop one class) and
# horizontal flips; see uda_gta_to_cityscapes_512x512.py. Validation as
# uda_synthia_to_cityscapes.py: mIoU over 19, 16 and 13 classes.
_base_ = ['./uda_synthia_to_cityscapes.py']
crop_size = (512, 512)
synthia_daformer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadTrainIdAnnotations'),
    dict(type='Resize', scale=(1280, 760), keep_ratio=True),
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
        source=dict(pipeline=synthia_daformer_pipeline),
        target=dict(pipeline=cityscapes_daformer_pipeline),
    ),
)
