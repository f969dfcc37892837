# Benchmark row (protocol v3): PFR (lambda_pfr 0.004) + self-training
# (lambda_st 1), no discriminator, as configs/demo/pfr-st_*.
_base_ = './st_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(terms=dict(pfr=_base_.pfr))
