# Self-training on DAFormer's network family: mmseg's SegFormer MiT-B5,
# AdamW with 1500 warm-up iterations, 40k iterations (DAFormer's schedule),
# pseudo-label weight 0 in the top 15 and bottom 120 rows of each Cityscapes
# image (DAFormer). Left out of DAFormer: its rare-class sampling and its
# ImageNet feature distance (which needs a frozen ImageNet model beside the
# student), its 512x512 crops and batch 2; this uses AdaptSegNet's data
# protocol like every config here. DAFormer reports 68.3 mIoU with all of
# them.
_base_ = '../pfr/pfr-adv_segformer-mitb5_1xb1-40k_gta2cityscapes-1280x720.py'
model = dict(
    _base_.self_training,
    _delete_=True,
    segmentor=_base_.model.segmentor,
    teacher=dict(
        _base_.mean_teacher,
        pseudo_weight_ignore_top=15,
        pseudo_weight_ignore_bottom=120,
    ),
)
