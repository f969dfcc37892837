# DAFormer's recipe plus MIC's masked image consistency (Hoyer et al.,
# CVPR 2023; lambda 1, 70% of 32x32 blocks masked at these 512-row crops,
# the teacher's pseudo-labels shared with self-training, no colour
# augmentation before masking as MIC for ACDC: _base_/daformer_segformer-
# mitb5.py): MIC(DAFormer), Cityscapes -> ACDC.
# Papers' (MIC README): 70.4 mIoU on the ACDC test server, not val; that
# is MIC on HRDA (1024x1024 crops of full-resolution images), not this
# config.
_base_ = './daformer_daformerhead-mitb5_1xb2-40k_cityscapes2acdc-512x512.py'
model = dict(terms=dict(mic=_base_.adverse_mic))
