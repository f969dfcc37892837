# Benchmark row (protocol v3): the control for PFR + adv. Its adversarial
# term alone at its weight (lambda_adv 0.002, twice AdaptSegNet's 0.001),
# no PFR: PFR + adv's gain over this row is PFR's own, with the doubled
# adversarial weight held equal.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(terms=dict(pfr=None))
