# DAFormer (its network and recipe) with PFR added (lambda_pfr 0.004 on
# every backbone stage): what PFR adds to a modern recipe.
_base_ = './daformer_daformerhead-mitb5_1xb2-40k_gta2cityscapes-512x512.py'
model = dict(terms=dict(pfr=_base_.pfr))
