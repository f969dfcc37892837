# Benchmark row (protocol v3), the positive control: mean-teacher
# self-training with ClassMix (DACS/DAFormer settings, lambda_st 1;
# _base_/uda/terms.py), no PFR, no discriminator, as configs/demo/st_*.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(
    _base_.self_training, _delete_=True, segmentor=_base_.model.segmentor
)
