# PFR + adv (the paper's weights) on mmseg's UPerNet on ViT-B/16: four transformer layers' outputs
# through its own MultiLevelNeck,
# taken from mmseg's zoo unmodified, on the embedded synthetic benchmark:
# the demo's data and fine-tuning schedule. Only what an offline machine
# needs: no download of pretrained weights (pretrained=None: from random
# weights, so 600 iterations only show the model trains; not a benchmark
# row). How to wrap any mmseg model: docs/own_backbone.md.
_base_ = [
    'mmseg::_base_/models/upernet_vit-b16_ln_mln.py',
    '../../_base_/datasets/uda_synthetic.py',
    '../../_base_/uda/terms.py',
    '../../_base_/schedules/demo_cpu.py',
    '../../_base_/default_runtime.py',
]
model = dict(
    _base_.pfr_adv,
    _delete_=True,
    segmentor=dict(_base_.model, pretrained=None),
)
