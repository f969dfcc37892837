# Cityscapes -> Dark Zurich for UDA training, AdaptSegNet's protocol scaled
# to this pair (cityscapes_to_adverse.py): the target is Dark Zurich's 2416
# train night images, unlabelled, as HRDA and MIC adapt to them.
# Validation and test on the 50 labelled val night images (19-class mIoU);
# the published numbers are the test server's, which differ much from
# val's (HRDA's README).
# Where the dataset is: data/dark_zurich, or $DARK_ZURICH_ROOT when that is
# set (see docs/data_preparation.md).
_base_ = './cityscapes_to_adverse.py'
dark_zurich_data_root = '{{$DARK_ZURICH_ROOT:data/dark_zurich}}'
dark_zurich_train_dataset = dict(
    type='DarkZurichConditionDataset',
    data_root=dark_zurich_data_root,
    split='train',
    conditions=('night',),
    pipeline=_base_.adverse_train_pipeline,
)
dark_zurich_val_dataset = dict(
    dark_zurich_train_dataset,
    split='val',
    pipeline=_base_.adverse_test_pipeline,
)
train_dataloader = dict(dataset=dict(target=dark_zurich_train_dataset))
val_dataloader = dict(dataset=dark_zurich_val_dataset)
test_dataloader = dict(dataset=dark_zurich_val_dataset)
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
