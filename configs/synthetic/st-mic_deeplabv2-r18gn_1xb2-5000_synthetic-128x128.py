# Benchmark row (protocol v3; docs/uda_recipe.md): self-training with MIC's
# masked image consistency (lambda 1, 70 % of the blocks masked; blocks of
# 64 px per 1024 input rows, so 8 px on the 128-row crops), on the same
# mean teacher.
_base_ = './st_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(terms=dict(mic=_base_.mic))
