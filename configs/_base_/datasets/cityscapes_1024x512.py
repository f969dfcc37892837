# Cityscapes, the target, through mmseg's own CityscapesDataset under
# data/cityscapes (run tools/dataset_converters/cityscapes.py for the
# *_gtFine_labelTrainIds.png it reads).
#
# Training: the 2975 train images, unlabelled, resized to 1024x512.
# Evaluation (AdaptSegNet's protocol): the 500 val images enter the network
# at 1024x512 and are scored against the full 2048x1024 labels. The labels
# are loaded after Resize, so they keep their size, and the segmentor
# resizes its logits to that size (ori_shape) before the metric compares.
# Where the dataset is: data/cityscapes, or $CITYSCAPES_ROOT when that is
# set (one place for the train, val, test and test-server dataloaders; see
# docs/data_preparation.md).
cityscapes_data_root = '{{$CITYSCAPES_ROOT:data/cityscapes}}'
cityscapes_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=False),
    # Optional augmentation, as for the source:
    # dict(type='RandomResize', scale=(1024, 512), ratio_range=(0.5, 2.0),
    #      keep_ratio=True),
    # dict(type='RandomCrop', crop_size=(512, 512)),
    # dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
cityscapes_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
# No seg_map_path: target labels are never read for training.
cityscapes_train_dataset = dict(
    type='CityscapesDataset',
    data_root=cityscapes_data_root,
    data_prefix=dict(img_path='leftImg8bit/train'),
    pipeline=cityscapes_train_pipeline,
)
cityscapes_val_dataset = dict(
    type='CityscapesDataset',
    data_root=cityscapes_data_root,
    data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
    pipeline=cityscapes_test_pipeline,
)
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=cityscapes_val_dataset,
)
test_dataloader = val_dataloader
# mIoU over the 19 classes, with the per-class IoU table in the log.
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator

# For the official test server: the 1525 test images, predicted at full
# size and written as label-id PNGs by mmseg's CityscapesMetric (needs
# `pip install cityscapesscripts`). A leaf config uses them with
#   test_dataloader = _base_.cityscapes_test_server_dataloader
#   test_evaluator = _base_.cityscapes_test_server_evaluator
# (these merge into the val settings above, so every key that differs is
# set here; the test split's labels are placeholders and never read).
cityscapes_test_server_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CityscapesDataset',
        data_root=cityscapes_data_root,
        data_prefix=dict(
            img_path='leftImg8bit/test', seg_map_path='gtFine/test'
        ),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(1024, 512), keep_ratio=True),
            dict(type='PackSegInputs'),
        ],
    ),
)
cityscapes_test_server_evaluator = dict(
    type='CityscapesMetric',
    format_only=True,
    keep_results=True,
    output_dir='work_dirs/cityscapes_test_server',
)
