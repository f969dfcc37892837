# Benchmark row (protocol v3; docs/uda_recipe.md): the modern recipe's
# pieces that apply to the miniature, together: self-training with
# rare-class sampling (the base), the warm-up and MIC, each as in its own
# row. Left out: the ImageNet feature distance (the miniature's network
# has no ImageNet weights to stay near) and DAFormer's pseudo-label crop
# (it masks the ego car and hood of Cityscapes frames, which the synthetic
# target does not have).
_base_ = './st-rcs_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
param_scheduler = dict(segmentor=[_base_.warmup, _base_.poly])
model = dict(terms=dict(mic=_base_.mic))
