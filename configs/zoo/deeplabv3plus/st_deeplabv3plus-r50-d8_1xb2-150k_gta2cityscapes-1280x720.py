# Self-training (DACS) on the same zoo model and data as
# pfr-adv_deeplabv3plus-r50-d8_1xb2-150k_gta2cityscapes-1280x720.py.
_base_ = './pfr-adv_deeplabv3plus-r50-d8_1xb2-150k_gta2cityscapes-1280x720.py'
model = dict(
    _base_.self_training, _delete_=True, segmentor=_base_.model.segmentor
)
