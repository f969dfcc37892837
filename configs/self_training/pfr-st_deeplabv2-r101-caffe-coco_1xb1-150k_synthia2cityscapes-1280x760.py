# PFR + self-training on SYNTHIA -> Cityscapes (AdaptSegNet's network).
_base_ = (
    './st_deeplabv2-r101-caffe-coco_1xb1-150k_synthia2cityscapes-1280x760.py'  # noqa
)
model = dict(terms=dict(pfr=_base_.pfr))
