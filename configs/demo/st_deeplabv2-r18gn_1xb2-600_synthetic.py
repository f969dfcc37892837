# Benchmark row, the positive control: mean-teacher self-training with
# ClassMix (DACS/DAFormer settings, lambda_st 1; _base_/uda/pfr_adv.py),
# no PFR, no discriminator.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
model = dict(
    lambda_adv=0.0,
    lambda_pfr=0.0,
    discriminator=None,
    self_training=_base_.mean_teacher,
    lambda_st=1.0,
)
optim_wrapper = dict(discriminator=None)
