# Self-training alone (DACS: mean teacher, ClassMix, L_st weighted 1) on
# AdaptSegNet's network and data protocol (GTA5 1280x720, Cityscapes
# 1024x512, batch 1, SGD 2.5e-4, 150k iterations), so that it compares with
# the PFR and AdaptSegNet runs. DACS itself trains batch 2 on 512x512 crops
# for 250k iterations (52.1 mIoU reported); the teacher's settings are in
# _base_/uda/terms.py (mean_teacher).
_base_ = '../pfr/pfr-adv_deeplabv2-r101-caffe-coco_1xb1-150k_gta2cityscapes-1280x720.py'  # noqa
model = dict(
    _base_.self_training, _delete_=True, segmentor=_base_.model.segmentor
)
