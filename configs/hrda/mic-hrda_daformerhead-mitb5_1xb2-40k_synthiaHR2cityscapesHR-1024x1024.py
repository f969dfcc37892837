# MIC on HRDA, SYNTHIA -> Cityscapes (as the GTA5 config, MIC's
# seg/experiments.py).
# Paper's (MIC README): 67.3 mIoU over 16 classes.
_base_ = './hrda_daformerhead-mitb5_1xb2-40k_synthiaHR2cityscapesHR-1024x1024.py'  # noqa
model = dict(terms=dict(mic=_base_.mic))
