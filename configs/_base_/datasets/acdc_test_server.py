# The ACDC test server (https://acdc.vision.ee.ethz.ch/submit, semantic
# segmentation): the 2000 test images of the four conditions, in ACDC's own
# layout rgb_anon/{fog,night,rain,snow}/test/<sequence>/*_rgb_anon.png
# (rgb_anon_trainvaltest.zip), under data/acdc or $ACDC_ROOT. Each image
# enters the network at 960x540 (the half of 1920x1080 that DAFormer's ACDC
# configs test at; change Resize for a model trained at another scale); its
# logits are resized back to 1920x1080 and ACDCSubmissionMetric writes
# work_dirs/acdc_test_server.zip: labelTrainIds/<image name>, train ids
# 0-18 (docs/test_servers.md). A leaf config on top of a Cityscapes -> ACDC
# config uses them with
#   _base_ = ['./THAT_CONFIG.py', '../_base_/datasets/acdc_test_server.py']
#   test_dataloader = _base_.acdc_test_server_dataloader
#   test_evaluator = _base_.acdc_test_server_evaluator
# (_delete_=True: they replace that config's val settings, whatever dataset
# class those use, instead of merging into them). The test split has no
# labels, so nothing loads any.
acdc_test_server_data_root = '{{$ACDC_ROOT:data/acdc}}'
acdc_test_server_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(960, 540), keep_ratio=True),
    dict(type='PackSegInputs'),
]
acdc_test_server_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(
                type='CityscapesDataset',
                data_root=acdc_test_server_data_root,
                data_prefix=dict(img_path=f'rgb_anon/{condition}/test'),
                img_suffix='_rgb_anon.png',
                pipeline=acdc_test_server_pipeline,
            )
            for condition in ('fog', 'night', 'rain', 'snow')
        ],
    ),
)
acdc_test_server_evaluator = dict(
    _delete_=True,
    type='ACDCSubmissionMetric',
    output_dir='work_dirs/acdc_test_server',
)
