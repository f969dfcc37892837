# Benchmark row (protocol v3): PFR (the paper's lambda_pfr 0.004 on every
# backbone stage) added to the recipe row, st-recipe_*.
_base_ = './st-recipe_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(terms=dict(pfr=_base_.pfr))
