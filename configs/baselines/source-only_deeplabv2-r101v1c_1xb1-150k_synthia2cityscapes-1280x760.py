# Baseline: SYNTHIA alone, no adaptation (16/13-class mIoU reported).
_base_ = (
    '../pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_synthia2cityscapes-1280x760.py'
)
model = dict(terms=dict(adv=None, pfr=None))
# No loss uses a target image: the data loader loads none.
train_dataloader = dict(dataset=dict(target=None))
