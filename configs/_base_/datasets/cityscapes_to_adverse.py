# Cityscapes -> an adverse-condition target (ACDC, Dark Zurich): what the
# two share. Both targets' images are 1920x1080 and are read at half that,
# 960x540, as DAFormer, HRDA's and MIC's 512x512 protocol read them
# (lhoyer/HRDA configs/_base_/datasets/uda_cityscapes_to_acdc_512x512.py and
# uda_cityscapes_to_darkzurich_512x512.py): the same factor as Cityscapes'
# 2048x1024 -> 1024x512.
#
# AdaptSegNet's protocol, scaled to this pair: batch 1 of whole images,
# Cityscapes at 1024x512 and the target at 960x540, no augmentation.
# Evaluation as AdaptSegNet's on Cityscapes: the image enters the network
# at 960x540 and is scored against its full 1920x1080 label (loaded after
# Resize, so it keeps its size); every evaluation sample carries its
# condition for the per-condition metric (PackSegInputs' meta_keys).
_base_ = './cityscapes_source_1024x512.py'
adverse_meta_keys = (
    'img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
    'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label',
    'condition',
)  # fmt: skip
adverse_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(960, 540), keep_ratio=False),
    dict(type='PackSegInputs'),
]
adverse_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(960, 540), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs', meta_keys=adverse_meta_keys),
]
train_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    # (source, target) index pairs from two seeded shuffles: a resumed run
    # sees the same pairs, whatever the number of workers.
    sampler=dict(type='UDAInfiniteSampler', shuffle=True),
    dataset=dict(type='UDADataset', source=_base_.cityscapes_source_dataset),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_dataloader = val_dataloader

# DAFormer's data protocol, which its, HRDA's and MIC's numbers use, for a
# leaf's `train_dataloader = _base_.daformer_crops`: batch 2 of 512x512
# crops of Cityscapes and of the target at 960x540, horizontal flips.
adverse_daformer_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(960, 540), keep_ratio=True),
    dict(type='RandomCrop', crop_size=(512, 512)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
daformer_crops = dict(
    batch_size=2,
    dataset=dict(
        source=dict(pipeline=_base_.cityscapes_source_daformer_pipeline),
        target=dict(pipeline=adverse_daformer_pipeline),
    ),
)
# DAFormer's rare-class sampling over Cityscapes, as HRDA and MIC use it
# for these targets (T 0.01; min crop ratio 0.5 at these half-resolution
# crops, 2.0 at HRDA's full-resolution ones), off until a leaf sets
# train_dataloader.dataset.rare_class_sampling=rare_class_sampling. It
# reads class_stats.json in the Cityscapes folder (docs/adverse_targets.md).
rare_class_sampling = dict(
    min_pixels=3000, class_temp=0.01, min_crop_ratio=0.5
)
