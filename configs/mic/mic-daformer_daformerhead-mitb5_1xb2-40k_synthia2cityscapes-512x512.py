# MIC(DAFormer) (Hoyer et al., CVPR 2023): DAFormer's network and recipe
# plus MIC's masked image consistency (lambda 1, 70% of 32x32 blocks masked
# at these 512-row crops, the teacher's pseudo-labels shared with
# self-training).
# Paper's: no MIC(DAFormer) number for SYNTHIA was found in MIC's README
# (its SYNTHIA results are on HRDA).
_base_ = '../daformer/daformer_daformerhead-mitb5_1xb2-40k_synthia2cityscapes-512x512.py'  # noqa
model = dict(terms=dict(mic=_base_.mic))
