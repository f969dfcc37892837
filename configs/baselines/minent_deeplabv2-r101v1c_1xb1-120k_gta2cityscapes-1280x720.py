# Baseline: MinEnt (ADVENT, Vu et al., CVPR 2019; valeoai/ADVENT's
# train_minent with its default config, advent/scripts/configs/minent.yml)
# on mmseg's ResNetV1c-101 with ImageNet weights (ADVENT starts from an
# ImageNet-pretrained caffe ResNet-101, not AdaptSegNet's COCO DeepLab):
# the entropy of the target softmax (log2, / log2 C, mean over pixels)
# minimised on the decode head (ent, lambda_ent 0.001) and on the
# auxiliary classifier on conv4_x (ent_aux, 2e-4; trained on the source
# with lambda_seg 0.1), ADVENT's multi-level default; no discriminator.
# ADVENT's schedule: SGD 2.5e-4 (both classifiers x10), momentum 0.9,
# weight decay 5e-4, poly 0.9 over 250k iterations stopped at 120k (its
# EARLY_STOP), a snapshot every 2k iterations, the best on Cityscapes val
# reported (its TEST.MODE 'best'). What each term computes and where ours
# differs from ADVENT's code: docs/uda_recipe.md, "ADVENT: MinEnt and
# AdvEnt". Paper (ADVENT, Table 1, GTA5 -> Cityscapes, DeepLab-v2
# R101): 42.3 mIoU; its 45.5 averages the logits of two separately trained
# models (AdvEnt and MinEnt + ER, valeoai/ADVENT#7), not one run.
_base_ = './adaptsegnet-multilevel_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'  # noqa
model = dict(_base_.minent, _delete_=True, segmentor=_base_.model.segmentor)
# No discriminator: the segmentor's optimizer only.
optim_wrapper = dict(adv=None, adv_aux=None)
param_scheduler = dict(adv=None, adv_aux=None)
train_cfg = dict(max_iters=120000, val_interval=2000)
default_hooks = dict(checkpoint=dict(interval=2000))
