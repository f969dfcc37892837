# GTA5, the labelled source: the official layout under data/gta, label ids
# mapped to the 19 Cityscapes train ids at load time (after
# tools/dataset_converters/gta.py, label_encoding='train_ids' reads its
# output instead; its excluded.txt is honoured either way). AdaptSegNet's
# protocol, which the PFR paper follows, resizes every 1914x1052 frame to
# 1280x720, aspect ratio not kept, and adds no augmentation.
# Where the dataset is: data/gta, or $GTA_ROOT when that is set (one place
# for every dataloader; see docs/data_preparation.md).
gta_data_root = '{{$GTA_ROOT:data/gta}}'
gta_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadTrainIdAnnotations'),
    dict(type='Resize', scale=(1280, 720), keep_ratio=False),
    # Optional augmentation, not in AdaptSegNet's protocol (DAFormer's):
    # dict(type='RandomResize', scale=(1280, 720), ratio_range=(0.5, 2.0),
    #      keep_ratio=True),
    # dict(type='RandomCrop', crop_size=(512, 512), cat_max_ratio=0.75),
    # dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
gta_train_dataset = dict(
    type='GTADataset',
    data_root=gta_data_root,
    label_encoding='ids',
    pipeline=gta_train_pipeline,
)
