# Benchmark row: PFR alone (lambda_pfr 0.004), no discriminator.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
model = dict(terms=dict(adv=None))
