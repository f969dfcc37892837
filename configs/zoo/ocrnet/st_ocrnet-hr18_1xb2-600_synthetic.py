# Self-training (DACS) on the same zoo model and data as
# pfr-adv_ocrnet-hr18_1xb2-600_synthetic.py.
_base_ = './pfr-adv_ocrnet-hr18_1xb2-600_synthetic.py'
model = dict(
    _base_.self_training, _delete_=True, segmentor=_base_.model.segmentor
)
