# DAFormer's recipe (Hoyer et al., CVPR 2022) on MiT-B5 with DAFormer's
# decoder as HRDA and MIC run it for Cityscapes -> ACDC and -> Dark Zurich:
# the recipe of configs/daformer/daformer_daformerhead-mitb5_1xb2-40k_gta2
# cityscapes-512x512.py (self-training with ClassMix, EMA 0.999 teacher, thing-class
# feature distance, AdamW 6e-5 with 1500 warm-up iterations, 40k iterations)
# with no pseudo-label margins: HRDA and MIC switch DAFormer's 15/120-row
# crop off for these targets, which "have no rectification artifacts in
# contrast to Cityscapes" (lhoyer/HRDA experiments.py, experiment 49;
# lhoyer/MIC seg/experiments.py, experiment 80). A leaf adds its data
# fragment and turns rare-class sampling over Cityscapes on.
_base_ = [
    '../../_base_/models/daformerhead_mit-b5.py',
    '../../_base_/uda/terms.py',
    '../../_base_/schedules/segformer_adamw_40k.py',
    '../../_base_/default_runtime.py',
]
model = dict(
    _base_.daformer,
    _delete_=True,
    segmentor=_base_.model,
    teacher=dict(
        _base_.daformer_teacher,
        pseudo_weight_ignore_top=0,
        pseudo_weight_ignore_bottom=0,
    ),
)
# MIC for these targets masks images without colour augmentation (its
# mask_mode='separate', seg/experiments.py, experiment 80; 'separatetrgaug'
# on Cityscapes). Its 'separate' masks one source and one target image of
# the batch; MaskedConsistencyTerm masks the target batch only, i.e. MIC's
# 'separatetrg', which MIC also ran on Cityscapes -> ACDC (experiment 82).
adverse_mic = dict(
    _base_.mic,
    augment=dict(_base_.mic.augment, color_jitter_prob=0.0, blur_prob=0.0),
)
