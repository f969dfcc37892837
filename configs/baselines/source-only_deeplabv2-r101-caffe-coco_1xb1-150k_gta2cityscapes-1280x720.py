# Baseline: AdaptSegNet's network (caffe ResNet-101 DeepLab-v2, COCO
# weights) trained on GTA5 alone with its recipe: no adaptation loss, the
# target is neither loaded nor forwarded. About 36.6 mIoU in the
# AdaptSegNet paper.
_base_ = '../pfr/pfr-adv_deeplabv2-r101-caffe-coco_1xb1-150k_gta2cityscapes-1280x720.py'  # noqa
model = dict(terms=dict(adv=None, pfr=None))
# No loss uses a target image: the data loader loads none.
train_dataloader = dict(dataset=dict(target=None))
