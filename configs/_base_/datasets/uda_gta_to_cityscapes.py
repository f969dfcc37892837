# GTA5 -> Cityscapes data for UDA training, AdaptSegNet's protocol: batch 1
# of GTA5 at 1280x720 paired with Cityscapes train at 1024x512; validation
# and test on Cityscapes val (1024x512 input, full-size labels, mIoU).
_base_ = ['./gta_1280x720.py', './cityscapes_1024x512.py']
train_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    # (source, target) index pairs from two seeded shuffles: a resumed run
    # sees the same pairs, whatever the number of workers.
    sampler=dict(type='UDAInfiniteSampler', shuffle=True),
    dataset=dict(
        type='UDADataset',
        source=_base_.gta_train_dataset,
        target=_base_.cityscapes_train_dataset,
    ),
)
