# Baseline: the same network trained on Cityscapes alone (no adaptation
# losses, the target is never forwarded), AdaptSegNet's recipe, validated
# on Dark Zurich val (night).
_base_ = (
    './pfr-adv_deeplabv2-r101v1c_1xb1-150k_cityscapes2darkzurich-1024x512.py'
)
model = dict(terms=dict(adv=None, pfr=None))
# No loss uses a target image: the data loader loads none.
train_dataloader = dict(dataset=dict(target=None))
