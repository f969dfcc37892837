# Benchmark row (protocol v3): output-space adversarial learning only
# (AdaptSegNet, single-level lambda_adv 0.001), as configs/demo/adaptsegnet_*.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(terms=dict(adv=dict(weight=0.001), pfr=None))
