# The embedded synthetic benchmark (docs/synthetic_benchmark.md): labelled
# game-style source scenes (144x256) and unlabelled camera-style target
# scenes (128x256), generated on first use and cached. Like AdaptSegNet's
# protocol, no augmentation. Evaluation on the 100 labelled target val
# images; the benchmark script also scores the source val images.
source_train = dict(
    type='SyntheticStreetDataset',
    domain='source',
    split='train',
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),
        dict(type='PackSegInputs'),
    ],
)
target_train = dict(
    type='SyntheticStreetDataset',
    domain='target',
    split='train',
    pipeline=[dict(type='LoadImageFromFile'), dict(type='PackSegInputs')],
)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
target_val = dict(
    type='SyntheticStreetDataset',
    domain='target',
    split='val',
    pipeline=test_pipeline,
)
source_val = dict(target_val, domain='source')
train_dataloader = dict(
    batch_size=2,
    # Tiny PNGs decode in milliseconds: worker processes would only take
    # CPU time from training on a 2-core machine.
    num_workers=0,
    sampler=dict(type='UDAInfiniteSampler', shuffle=True),
    dataset=dict(type='UDADataset', source=source_train, target=target_train),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=target_val,
)
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
