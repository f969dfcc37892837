# DeepLab-v2 on ResNetV1c-101 as DAFormer and MIC train it ('dlv2red' with
# 'r101v1c' in lhoyer/DAFormer experiments.py, from its
# configs/_base_/models/deeplabv2red_r50-d8.py): deeplabv2_r101v1c.py (same
# backbone and ImageNet weights, open-mmlab://resnet101_v1c) with their
# three differences:
# - the classifier's two branches, dilations 6 and 12 ("red"): what
#   AdaptSegNet's released code effectively runs (a return inside its
#   loop), which DAFormer follows;
# - BatchNorm trained (requires_grad=True, norm_eval=False): batch
#   statistics of each forward (source, target, mixed: so the domains are
#   forwarded separately), running statistics updated by all of them. Use
#   SyncBN on more than one GPU, as DAFormer's batch is 2 per GPU. (Our
#   mean teacher predicts in eval mode, with the running statistics it
#   copies from the student; DAFormer's runs in training mode, with the
#   target batch's statistics);
# - the source cross-entropy is a mean over all pixels, ignored ones
#   counting 0 (mmseg 0.x's default, which DAFormer uses).
_base_ = './deeplabv2_r101v1c.py'
model = dict(
    backbone=dict(
        norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False
    ),
    decode_head=dict(
        dilations=(6, 12), loss_decode=dict(avg_non_ignore=False)
    ),
)
