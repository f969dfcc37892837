# GTA5 alone for training a plain mmseg segmentor (no UDA model: stock mmseg
# baselines), validated and tested on Cityscapes val like the UDA runs.
_base_ = ['./gta_1280x720.py', './cityscapes_1024x512.py']
train_dataloader = dict(
    batch_size=2,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=_base_.gta_train_dataset,
)
