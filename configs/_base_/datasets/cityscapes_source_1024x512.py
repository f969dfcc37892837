# Cityscapes as the labelled source (Cityscapes -> ACDC, Cityscapes -> Dark
# Zurich), through mmseg's CityscapesDataset: the 2975 train images with
# their *_gtFine_labelTrainIds.png (tools/dataset_converters/cityscapes.py
# writes them). AdaptSegNet's protocol takes whole images at 1024x512, its
# Cityscapes size, without augmentation; DAFormer's takes 512x512 crops of
# them (cityscapes_source_daformer_pipeline).
# Where the dataset is: data/cityscapes, or $CITYSCAPES_ROOT when that is
# set (see docs/data_preparation.md).
cityscapes_data_root = '{{$CITYSCAPES_ROOT:data/cityscapes}}'
cityscapes_source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=False),
    dict(type='PackSegInputs'),
]
# DAFormer's (lhoyer/HRDA configs/_base_/datasets/
# uda_cityscapes_to_acdc_512x512.py, from DAFormer): resized to fit
# 1024x512, 512x512 crops with at most 75% of a crop one class, horizontal
# flips. RareClassRandomCrop is RandomCrop until rare-class sampling is on.
cityscapes_source_daformer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='RareClassRandomCrop', crop_size=(512, 512), cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
cityscapes_source_dataset = dict(
    type='CityscapesDataset',
    data_root=cityscapes_data_root,
    data_prefix=dict(
        img_path='leftImg8bit/train', seg_map_path='gtFine/train'
    ),
    pipeline=cityscapes_source_pipeline,
)
