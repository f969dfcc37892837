# PFR (on the four MiT stages, unit weights) + self-training on SegFormer
# MiT-B5.
_base_ = './st_segformer-mitb5_1xb1-40k_gta2cityscapes-1280x720.py'
model = dict(terms=dict(pfr=_base_.pfr))
