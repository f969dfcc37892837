# DAFormer's recipe and data protocol as in
# daformer_daformerhead-mitb5_..._gta2cityscapes-512x512.py, with mmseg's
# SegFormer (all-MLP) head on MiT-B5 in place of DAFormer's decoder: the
# option for comparing the two heads, or for a segmentor that is mmseg's
# SegFormer unchanged. No paper's number: DAFormer's are its decoder's.
_base_ = './daformer_daformerhead-mitb5_1xb2-40k_gta2cityscapes-512x512.py'
model = dict(
    segmentor=dict(decode_head=dict(_base_.segformer_head, _delete_=True))
)
