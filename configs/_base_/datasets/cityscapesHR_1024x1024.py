# Cityscapes at full resolution as HRDA's target (lhoyer/HRDA
# configs/_base_/datasets/uda_gtaHR_to_cityscapesHR_1024x1024.py): each
# 2048x1024 image kept at its size, 1024x1024 crops, horizontal flips;
# validation at 2048x1024. The pipelines the HRDA data fragments
# (uda_{gta,synthia}HR_to_cityscapesHR_1024x1024.py) share; the dataset and
# its root are cityscapes_1024x512.py's.
crop_size = (1024, 1024)
cityscapes_hrda_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
# HRDA's pseudo-label margins (its crop_pseudo_margins, 'plcrop v2'): the
# 30 top, 240 bottom, 30 left and 30 right pixels of each 2048x1024 target
# image get pseudo-label weight 0, marked before the crop and cropped with
# the image; a self-training config turns them on with
#   train_dataloader = dict(dataset=dict(
#       target=dict(pipeline=_base_.cityscapes_hrda_margins_pipeline)))
cityscapes_hrda_margins_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='PseudoLabelMargins', margins=(30, 240, 30, 30)),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='PackSegInputs',
        meta_keys=(
            'img_path', 'ori_shape', 'img_shape', 'pad_shape',
            'scale_factor', 'flip', 'flip_direction', 'pseudo_valid',
        ),
    ),
]  # fmt: skip
cityscapes_hrda_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
