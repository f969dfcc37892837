# DAFormer's recipe plus MIC's masked image consistency (Hoyer et al.,
# CVPR 2023; lambda 1, 70% of 32x32 blocks masked at these 512-row crops,
# the teacher's pseudo-labels shared with self-training): MIC(DAFormer).
# Paper's: MIC reports its DeepLab-v2 results in its Table 1; no number
# was found in its README.
_base_ = (
    '../daformer/daformer_deeplabv2-r101v1c_1xb2-40k_gta2cityscapes-512x512.py'  # noqa
)
model = dict(terms=dict(mic=_base_.mic))
