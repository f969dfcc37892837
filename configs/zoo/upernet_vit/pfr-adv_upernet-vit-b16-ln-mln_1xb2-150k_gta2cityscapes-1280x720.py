# PFR + adv (the paper's weights and AdaptSegNet's protocol) on
# mmseg's UPerNet on ViT-B/16: four transformer layers' outputs
# through its own MultiLevelNeck,
# taken from mmseg's zoo unmodified (its ImageNet weights are downloaded
# at the start), GTA5 -> Cityscapes. Batch 2: BatchNorm after global
# pooling needs more than one sample.
_base_ = [
    'mmseg::_base_/models/upernet_vit-b16_ln_mln.py',
    '../../_base_/datasets/uda_gta_to_cityscapes.py',
    '../../_base_/uda/terms.py',
    '../../_base_/schedules/adaptsegnet_150k.py',
    '../../_base_/default_runtime.py',
]
model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
train_dataloader = dict(batch_size=2)
