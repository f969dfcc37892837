# HRDA on DeepLab-v2 with DACS (lhoyer/HRDA experiments.py, experiment 41:
# 'gtaHR', 'cityscapesHR', '1024x1024', 'hrda1-512-0.1_dlv2red',
# 'r101v1c', 'dacs', AdamW): DAFormer's DeepLab-v2 R101 in the
# multi-resolution segmentor, DACS's self-training (ClassMix, EMA 0.99, no
# pseudo-label margins, no feature distance, no rare-class sampling) on
# the fused and detail losses, AdamW 6e-5 with 1500 warm-up iterations,
# 40k iterations, GTA5 -> Cityscapes at full resolution.
# Paper's (HRDA, Table 2): 59.4 mIoU (DACS alone on DeepLab-v2: 52.1).
_base_ = [
    '../_base_/models/hrda_deeplabv2red_r101v1c.py',
    '../_base_/datasets/uda_gtaHR_to_cityscapesHR_1024x1024.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/adamw_poly10warm_40k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.self_training, _delete_=True, segmentor=_base_.model)
