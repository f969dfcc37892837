# Benchmark row (protocol v3; docs/uda_recipe.md): self-training with
# DAFormer's learning-rate warm-up (_base_/recipe_pieces.py) before the
# row's own poly decay; the method's rate and optimizer unchanged.
_base_ = [
    './st_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py',
    './_base_/recipe_pieces.py',
]
param_scheduler = dict(segmentor=[_base_.warmup, _base_.poly])
