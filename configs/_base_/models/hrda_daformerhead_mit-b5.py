# HRDA's network (Hoyer et al., ECCV 2022; lhoyer/HRDA
# configs/hrda/gtaHR2csHR_hrda.py): DAFormer's (daformerhead_mit-b5.py,
# unchanged) inside the multi-resolution segmentor (docs/hrda.md): each
# 1024x1024 training crop seen as a 512x512 context at scale 0.5 and a
# 512x512 detail crop at full resolution (corner on a grid of 8: output
# stride 4 at half scale), fused by a class-wise scale attention, the
# detail loss weighted 0.1. The attention head is DAFormer's decoder with
# one 1x1 fusion convolution (HRDA's attention_embed_dim 256, fusion
# 'conv'). Test: 1024x1024 sliding windows at a stride of 512 (HRDA's
# batched slide inference computes the same), the detail of each window in
# 512x512 crops at a stride of 256.
_base_ = './daformerhead_mit-b5.py'
model = dict(
    _delete_=True,
    type='MultiResEncoderDecoder',
    segmentor=dict(
        _base_.model,
        test_cfg=dict(mode='slide', crop_size=(1024, 1024), stride=(512, 512)),
    ),
    scales=(0.5, 1.0),
    detail_crop=(512, 512),
    crop_divisible=8,
    attention_head=dict(
        _base_.model.decode_head, embed_dims=256, channels=256, fusion='conv'
    ),
    attention_classwise=True,
    detail_loss_weight=0.1,
    context_loss_weight=0.0,
    detail_slide=True,
    detail_slide_overlap=True,
)
