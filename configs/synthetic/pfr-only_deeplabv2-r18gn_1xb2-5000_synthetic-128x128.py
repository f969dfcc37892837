# Benchmark row (protocol v3): PFR alone (lambda_pfr 0.004), no
# discriminator, as configs/demo/pfr-only_*.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(terms=dict(adv=None))
