# Benchmark row, the positive control: mean-teacher self-training with
# ClassMix (DACS/DAFormer settings, lambda_st 1; _base_/uda/terms.py),
# no PFR, no discriminator.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
model = dict(
    _base_.self_training, _delete_=True, segmentor=_base_.model.segmentor
)
