# DAFormer's recipe plus MIC's masked image consistency (Hoyer et al.,
# CVPR 2023; lambda 1, 70% of 32x32 blocks masked at these 512-row crops,
# the teacher's pseudo-labels shared with self-training): MIC(DAFormer).
# Paper's: no MIC(DAFormer) number for SYNTHIA was found in MIC's README
# (its SYNTHIA results are on HRDA).
_base_ = '../daformer/daformer_segformer-mitb5_1xb2-40k_synthia2cityscapes-512x512.py'  # noqa
model = dict(terms=dict(mic=_base_.mic))
