# Baseline: AdvEnt (ADVENT, Vu et al., CVPR 2019; valeoai/ADVENT's
# train_advent with its default config, advent/scripts/configs/advent.yml)
# on mmseg's ResNetV1c-101 with ImageNet weights (ADVENT starts from an
# ImageNet-pretrained caffe ResNet-101, not AdaptSegNet's COCO DeepLab):
# AdaptSegNet's multi-level adversarial learning with each D reading the
# self-information maps -P log2 P / log2 C instead of the softmax P, on
# the decode head (adv_ent, lambda_adv 0.001) and on the auxiliary
# classifier on conv4_x (adv_ent_aux, 2e-4; trained on the source with
# lambda_seg 0.1). Each D: AdaptSegNet's, Adam 1e-4, betas (0.9, 0.99),
# poly 0.9 (ADVENT's LEARNING_RATE_D). ADVENT's schedule: SGD 2.5e-4 (both
# classifiers x10), momentum 0.9, weight decay 5e-4, poly 0.9 over 250k
# iterations stopped at 120k (its EARLY_STOP), a snapshot every 2k
# iterations, the best on Cityscapes val reported (its TEST.MODE 'best').
# What each term computes and where ours differs from ADVENT's code:
# docs/uda_recipe.md, "ADVENT: MinEnt and AdvEnt". Paper (ADVENT, Table
# 1, GTA5 -> Cityscapes, DeepLab-v2 R101): 43.8 mIoU; its 45.5 averages
# the logits of two separately trained models (AdvEnt and MinEnt + ER,
# valeoai/ADVENT#7: a joint run got 42.48), not one run.
_base_ = './adaptsegnet-multilevel_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'  # noqa
model = dict(_base_.advent, _delete_=True, segmentor=_base_.model.segmentor)
# The same optimizer and schedule for each level's D as AdaptSegNet's,
# under the AdvEnt terms' names.
optim_wrapper = dict(
    adv=None,
    adv_aux=None,
    adv_ent=_base_.optim_wrapper.adv,
    adv_ent_aux=_base_.optim_wrapper.adv,
)
param_scheduler = dict(
    adv=None,
    adv_aux=None,
    adv_ent=_base_.param_scheduler.adv,
    adv_ent_aux=_base_.param_scheduler.adv,
)
train_cfg = dict(max_iters=120000, val_interval=2000)
default_hooks = dict(checkpoint=dict(interval=2000))
