# HRDA (Hoyer et al., ECCV 2022) as its paper trains it (lhoyer/HRDA
# experiments.py, experiment 40 (syn2cs)): DAFormer's network in the
# multi-resolution segmentor (_base_/models/hrda_daformerhead_mit-b5.py)
# and DAFormer's recipe, SYNTHIA -> Cityscapes at full resolution (batch 2 of
# 1024x1024 crops): self-training with ClassMix (lambda 1) on the fused
# and detail losses, a mean teacher with EMA 0.999 labelling each crop by
# the multi-resolution inference, the thing-class ImageNet feature distance
# on the context's features (lambda 0.005), rare-class sampling (T 0.01,
# crop ratio 2.0), AdamW 6e-5 with 1500 warm-up iterations, 40k
# iterations, the pseudo-label margins of each target image (30 top, 240
# bottom, 30 left and right pixels of weight 0) marked before it is
# cropped (HRDA's plcrop v2; DAFormer's crops rows of the crop).
# Paper's (HRDA README): 65.8 mIoU over 16 classes.
_base_ = [
    '../_base_/models/hrda_daformerhead_mit-b5.py',
    '../_base_/datasets/uda_synthiaHR_to_cityscapesHR_1024x1024.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/segformer_adamw_40k.py',
    '../_base_/default_runtime.py',
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
train_dataloader = dict(
    dataset=dict(
        rare_class_sampling=_base_.rare_class_sampling,
        target=dict(pipeline=_base_.cityscapes_hrda_margins_pipeline),
    )
)
