# Cityscapes -> ACDC for UDA training, AdaptSegNet's protocol scaled to
# this pair (cityscapes_to_adverse.py): the target is ACDC's 1600 train
# images of all four conditions, unlabelled, as DAFormer, HRDA and MIC
# adapt to them. Validation and test on ACDC's 406 val images of all four
# conditions, scored per condition and over all (ConditionIoUMetric:
# mIoU_fog, mIoU_night, mIoU_rain, mIoU_snow beside mIoU); the published
# numbers are the test server's, on the test split.
# Where the dataset is: data/acdc, or $ACDC_ROOT when that is set (see
# docs/data_preparation.md).
_base_ = './cityscapes_to_adverse.py'
acdc_data_root = '{{$ACDC_ROOT:data/acdc}}'
acdc_conditions = ('fog', 'night', 'rain', 'snow')
acdc_train_dataset = dict(
    type='ACDCDataset',
    data_root=acdc_data_root,
    split='train',
    conditions=acdc_conditions,
    pipeline=_base_.adverse_train_pipeline,
)
acdc_val_dataset = dict(
    acdc_train_dataset, split='val', pipeline=_base_.adverse_test_pipeline
)
train_dataloader = dict(dataset=dict(target=acdc_train_dataset))
val_dataloader = dict(dataset=acdc_val_dataset)
test_dataloader = dict(dataset=acdc_val_dataset)
val_evaluator = dict(
    type='ConditionIoUMetric', iou_metrics=['mIoU'], conditions=acdc_conditions
)
test_evaluator = val_evaluator
