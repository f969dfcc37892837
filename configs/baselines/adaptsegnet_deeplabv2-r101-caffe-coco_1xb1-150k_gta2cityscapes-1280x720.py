# Baseline: AdaptSegNet single-level (output-space adversarial learning
# only, lambda_adv 0.001) on AdaptSegNet's own network, the caffe ResNet-101
# DeepLab-v2 from COCO weights, and schedule. AdaptSegNet's paper reports
# 41.4 mIoU single-level and 42.4 multi-level. Its released classifier is
# effectively decode_head dilations=(6, 12); here all four branches, the
# head of our PFR runs, for a like-for-like comparison (set
# model.segmentor.decode_head.dilations="(6,12)" for AdaptSegNet's).
_base_ = '../pfr/pfr-adv_deeplabv2-r101-caffe-coco_1xb1-150k_gta2cityscapes-1280x720.py'  # noqa
model = dict(terms=dict(adv=dict(weight=0.001), pfr=None))
