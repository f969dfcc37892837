# DAFormer's recipe on MiT-B5 with DAFormer's decoder (ImageNet weights;
# the network its numbers used) as HRDA and
# MIC run it for Dark Zurich (_base_/daformer_daformerhead-mitb5.py: no
# pseudo-label margins), Cityscapes -> Dark Zurich (train night) in
# DAFormer's data protocol: batch 2 of 512x512 crops of Cityscapes at
# 1024x512 and Dark Zurich at 960x540, rare-class sampling over Cityscapes
# (T 0.01). Validated on Dark Zurich val (night).
# Papers' (HRDA README, from DAFormer's extension paper, MiT-B5 with the
# DAFormer decoder): 53.8 mIoU on the Dark Zurich test server, not val.
_base_ = [
    './_base_/daformer_daformerhead-mitb5.py',
    '../_base_/datasets/uda_cityscapes_to_darkzurich_512x512.py',
]
train_dataloader = dict(
    dataset=dict(rare_class_sampling=_base_.rare_class_sampling)
)
