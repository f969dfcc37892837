# DAFormer's recipe on MiT-B5 with DAFormer's decoder (ImageNet weights;
# the network its numbers used) as HRDA and
# MIC run it for ACDC (_base_/daformer_daformerhead-mitb5.py: no pseudo-label
# margins), Cityscapes -> ACDC (train, all four conditions) in DAFormer's
# data protocol: batch 2 of 512x512 crops of Cityscapes at 1024x512 and
# ACDC at 960x540, rare-class sampling over Cityscapes (T 0.01). Validated
# on ACDC val per condition and over all, the best checkpoint kept on the
# overall mIoU.
# Papers' (HRDA README, from DAFormer's extension paper, MiT-B5 with the
# DAFormer decoder): 55.4 mIoU on the ACDC test server, not val.
_base_ = [
    './_base_/daformer_daformerhead-mitb5.py',
    '../_base_/datasets/uda_cityscapes_to_acdc_512x512.py',
]
train_dataloader = dict(
    dataset=dict(rare_class_sampling=_base_.rare_class_sampling)
)
