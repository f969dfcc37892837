# SYNTHIA -> Cityscapes at full resolution, HRDA's data protocol
# (lhoyer/HRDA configs/_base_/datasets/
# uda_synthiaHR_to_cityscapesHR_1024x1024.py): SYNTHIA resized to fit
# 2560x1520 (its 1280x760 doubled), otherwise as
# uda_gtaHR_to_cityscapesHR_1024x1024.py. Validation as
# uda_synthia_to_cityscapes.py (mIoU over 19, 16 and 13 classes) at
# 2048x1024.
_base_ = ['./uda_synthia_to_cityscapes.py', './cityscapesHR_1024x1024.py']
synthia_hrda_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadTrainIdAnnotations'),
    dict(type='Resize', scale=(2560, 1520), keep_ratio=True),
    dict(
        type='RareClassRandomCrop',
        crop_size=_base_.crop_size,
        cat_max_ratio=0.75,
    ),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
rare_class_sampling = dict(
    min_pixels=3000, class_temp=0.01, min_crop_ratio=2.0
)
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        source=dict(pipeline=synthia_hrda_pipeline),
        target=dict(pipeline=_base_.cityscapes_hrda_pipeline),
    ),
)
val_dataloader = dict(
    dataset=dict(pipeline=_base_.cityscapes_hrda_test_pipeline)
)
test_dataloader = val_dataloader
