# Baseline: the same network trained on GTA5 alone (no adaptation losses,
# the target is never forwarded), AdaptSegNet's recipe. About 36.6 mIoU in
# the AdaptSegNet paper (with COCO weights).
_base_ = (
    '../pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'
)
model = dict(terms=dict(adv=None, pfr=None))
# No loss uses a target image: the data loader loads none.
train_dataloader = dict(dataset=dict(target=None))
