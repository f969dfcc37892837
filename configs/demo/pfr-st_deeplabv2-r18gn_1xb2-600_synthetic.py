# Benchmark row: PFR (lambda_pfr 0.004) + self-training (lambda_st 1), no
# discriminator.
_base_ = './st_deeplabv2-r18gn_1xb2-600_synthetic.py'
model = dict(terms=dict(pfr=_base_.pfr))
