# SYNTHIA -> Cityscapes at full resolution, HRDA's data protocol
# (lhoyer/HRDA configs/_base_/datasets/
# uda_synthiaHR_to_cityscapesHR_1024x1024.py): SYNTHIA resized to fit
# 2560x1520 (its 1280x760 doubled), otherwise as
# uda_gtaHR_to_cityscapesHR_1024x1024.py. Validation as
# uda_synthia_to_cityscapes.py (mIoU over 19, 16 and 13 classes) at
# 2048x1024.
_base_ = ['./uda_synthia_to_cityscapes.py']
crop_size = (1024, 1024)
synthia_hrda_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadTrainIdAnnotations'),
    dict(type='Resize', scale=(2560, 1520), keep_ratio=True),
    dict(type='RareClassRandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
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
rare_class_sampling = dict(
    min_pixels=3000, class_temp=0.01, min_crop_ratio=2.0
)
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        source=dict(pipeline=synthia_hrda_pipeline),
        target=dict(pipeline=cityscapes_hrda_pipeline),
    ),
)
val_dataloader = dict(dataset=dict(pipeline=cityscapes_hrda_test_pipeline))
test_dataloader = val_dataloader
