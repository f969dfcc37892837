# Baseline: AdaptSegNet single-level (lambda_adv 0.001) on SYNTHIA ->
# Cityscapes, same network and schedule as the PFR run.
_base_ = (
    '../pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_synthia2cityscapes-1280x760.py'
)
model = dict(terms=dict(adv=dict(weight=0.001), pfr=None))
