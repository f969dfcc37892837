# MIC on HRDA (Hoyer et al., CVPR 2023; lhoyer/MIC
# seg/configs/mic/gtaHR2csHR_mic_hrda.py): HRDA plus MIC's masked image
# consistency (lambda 1, 70% of 64x64 blocks of the colour-augmented
# 1024x1024 target crop masked, trained on the fused and detail losses
# against the teacher's pseudo-labels, shared with self-training).
# Paper's (MIC README): 75.9 mIoU (the authors' reruns 75.62, 76.03,
# 75.90).
_base_ = './hrda_daformerhead-mitb5_1xb2-40k_gtaHR2cityscapesHR-1024x1024.py'
model = dict(terms=dict(mic=_base_.mic))
