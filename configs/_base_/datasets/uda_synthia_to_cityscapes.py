# SYNTHIA -> Cityscapes data for UDA training, AdaptSegNet's protocol: batch
# 1 of SYNTHIA at 1280x760 paired with Cityscapes train at 1024x512;
# validation on Cityscapes val, reported as mIoU over all 19 classes (3 of
# which SYNTHIA never shows) and over the 16 and 13 classes papers report.
_base_ = ['./synthia_1280x760.py', './cityscapes_1024x512.py']
train_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='UDAInfiniteSampler', shuffle=True),
    dataset=dict(
        type='UDADataset',
        source=_base_.synthia_train_dataset,
        target=_base_.cityscapes_train_dataset,
    ),
)
synthia_mIoU16_classes = [
    'road', 'sidewalk', 'building', 'wall', 'fence', 'pole',
    'traffic light', 'traffic sign', 'vegetation', 'sky', 'person', 'rider',
    'car', 'bus', 'motorcycle', 'bicycle',
]  # fmt: skip
synthia_mIoU13_classes = [
    c for c in synthia_mIoU16_classes if c not in ('wall', 'fence', 'pole')
]
val_evaluator = dict(
    type='SubsetIoUMetric',
    iou_metrics=['mIoU'],
    class_subsets=dict(
        mIoU16=synthia_mIoU16_classes, mIoU13=synthia_mIoU13_classes
    ),
)
test_evaluator = val_evaluator
