# Benchmark row: output-space adversarial learning only (AdaptSegNet,
# single-level lambda_adv 0.001).
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
model = dict(terms=dict(adv=dict(weight=0.001), pfr=None))
