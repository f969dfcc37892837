# mmseg's own SegFormer (MiT backbone, all-MLP head) as the segmentor of a
# UDA model, with a PFRNeck on its four stages. MiT-B5 and other sizes
# change the backbone in the leaf, as mmseg's SegFormer configs do.
#
# PFR on all four MiT stages (64/128/320/512 channels at strides 4/8/16/32
# for B5), unit weights: the paper aligns every stage of its backbone, and
# the Gram normalisation by C*H*W keeps the stages on one scale; nothing was
# tuned on evaluation data. The head's BatchNorm (SyncBN, plain BN on one
# GPU) trains with batch statistics, so source and target are forwarded
# separately (fuse_forward cannot apply) and its running statistics see
# both domains, like AdaBN; MiT itself uses LayerNorm.
_base_ = 'mmseg::_base_/models/segformer_mit-b0.py'
model = dict(
    _delete_=True,
    type='UDASegmentor',
    segmentor=dict(
        _base_.model,
        neck=dict(type='PFRNeck', in_index=(0, 1, 2, 3)),
        # Source and target crops differ (1280x720, 1024x512), so no fixed
        # `size`; both are multiples of 8, so nothing is padded.
        data_preprocessor=dict(_base_.data_preprocessor, size_divisor=8),
    ),
)
