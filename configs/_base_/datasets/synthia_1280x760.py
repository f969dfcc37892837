# SYNTHIA RAND-CITYSCAPES, the labelled source: the official layout under
# data/synthia, 16-bit class ids mapped to the 19 Cityscapes train ids at
# load time (terrain, truck and train never occur). Its frames are
# 1280x760 already; the resize keeps that size for any other input.
# Where the dataset is: data/synthia, or $SYNTHIA_ROOT when that is set (one
# place for every dataloader; see docs/data_preparation.md).
synthia_data_root = '{{$SYNTHIA_ROOT:data/synthia}}'
synthia_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadTrainIdAnnotations'),
    dict(type='Resize', scale=(1280, 760), keep_ratio=False),
    # Optional augmentation, not in AdaptSegNet's protocol (DAFormer's):
    # dict(type='RandomResize', scale=(1280, 760), ratio_range=(0.5, 2.0),
    #      keep_ratio=True),
    # dict(type='RandomCrop', crop_size=(512, 512), cat_max_ratio=0.75),
    # dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
synthia_train_dataset = dict(
    type='SynthiaDataset',
    data_root=synthia_data_root,
    label_encoding='ids',
    pipeline=synthia_train_pipeline,
)
