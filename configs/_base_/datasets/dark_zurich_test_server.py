# The Dark Zurich test server (CodaLab competition 3783,
# https://codalab.lisn.upsaclay.fr/competitions/3783): the 151 night test
# images, in the dataset's own layout
# rgb_anon/test/night/<sequence>/*_rgb_anon.png
# (Dark_Zurich_test_anon_withoutGt.zip), under data/dark_zurich or
# $DARK_ZURICH_ROOT. Each image enters the network at 960x540 (the half of
# 1920x1080 that DAFormer's Dark Zurich configs test at; change Resize for
# a model trained at another scale); its logits are resized back to
# 1920x1080 and DarkZurichSubmissionMetric writes
# work_dirs/dark_zurich_test_server.zip: labelTrainIds/,
# labelTrainIds_invalid/ and confidence/<image name> (docs/test_servers.md).
# A leaf config on top of a Cityscapes -> Dark Zurich config uses them with
#   _base_ = ['./THAT_CONFIG.py',
#             '../_base_/datasets/dark_zurich_test_server.py']
#   test_dataloader = _base_.dark_zurich_test_server_dataloader
#   test_evaluator = _base_.dark_zurich_test_server_evaluator
# (_delete_=True: they replace that config's val settings instead of
# merging into them). For a local check of the archive, the 50 val images:
# --cfg-options test_dataloader.dataset.data_prefix.img_path=rgb_anon/val/night
dark_zurich_test_server_data_root = '{{$DARK_ZURICH_ROOT:data/dark_zurich}}'
dark_zurich_test_server_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CityscapesDataset',
        data_root=dark_zurich_test_server_data_root,
        data_prefix=dict(img_path='rgb_anon/test/night'),
        img_suffix='_rgb_anon.png',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(960, 540), keep_ratio=True),
            dict(type='PackSegInputs'),
        ],
    ),
)
dark_zurich_test_server_evaluator = dict(
    _delete_=True,
    type='DarkZurichSubmissionMetric',
    output_dir='work_dirs/dark_zurich_test_server',
)
