# MIC(DAFormer) with PFR added (lambda_pfr 0.004 on every backbone stage).
_base_ = (
    './mic-daformer_daformerhead-mitb5_1xb2-40k_synthia2cityscapes-512x512.py'  # noqa
)
model = dict(terms=dict(pfr=_base_.pfr))
