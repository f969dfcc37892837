# Benchmark row, the positive control: mean-teacher self-training with
# ClassMix (DACS/DAFormer settings, lambda_st 1; _base_/uda/pfr_adv.py),
# no PFR, no discriminator.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
model = _base_.self_training_only
optim_wrapper = dict(discriminator=None)
