# PFR + adv (the paper's weights and AdaptSegNet's protocol) on
# mmseg's Semantic FPN R50: a model with its own neck (FPN); PFR
# reads the backbone's four stages before it,
# taken from mmseg's zoo unmodified (its ImageNet weights are downloaded
# at the start), GTA5 -> Cityscapes. Batch 2: BatchNorm after global
# pooling needs more than one sample.
_base_ = [
    'mmseg::_base_/models/fpn_r50.py',
    '../../_base_/datasets/uda_gta_to_cityscapes.py',
    '../../_base_/uda/terms.py',
    '../../_base_/schedules/adaptsegnet_150k.py',
    '../../_base_/default_runtime.py',
]
model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
train_dataloader = dict(batch_size=2)
