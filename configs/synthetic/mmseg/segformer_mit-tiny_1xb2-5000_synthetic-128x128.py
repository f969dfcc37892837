# Stock mmseg row: mmseg's SegFormer (mmseg::_base_/models/
# segformer_mit-b0.py) with MiT-B0 shrunk to the miniature's compute,
# trained as a plain mmseg model on the labelled source (protocol v3),
# fine-tuning its own plain warm start (warm-start_segformer_*). MiT-B0's
# widths halved (embedding 32 -> 16: stages of 16/32/80/128 channels, the
# same 16 channels per attention head), one block per stage instead of two,
# the all-MLP head 256 -> 64 channels. mmseg's SegFormer fine-tuning recipe
# (schedules of configs/segformer: AdamW lr 6e-5, betas (0.9, 0.999),
# weight decay 0.01, head lr x10, no decay on norms and position blocks,
# poly(1.0) after a linear warm-up; the warm-up's 1500 of 160k iterations
# scaled to 40 of 5000).
_base_ = [
    'mmseg::_base_/models/segformer_mit-b0.py',
    './_base_/plain_v3.py',
]
model = dict(
    data_preprocessor=dict(size=_base_.crop_size),
    pretrained=None,
    backbone=dict(embed_dims=16, num_layers=[1, 1, 1, 1], init_cfg=None),
    decode_head=dict(
        in_channels=[16, 32, 80, 128],
        channels=64,
        norm_cfg=_base_.group_norm,
    ),
)
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01
    ),
    paramwise_cfg=dict(
        custom_keys={
            'pos_block': dict(decay_mult=0.0),
            'norm': dict(decay_mult=0.0),
            'head': dict(lr_mult=10.0),
        }
    ),
)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=40),
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=1.0,
        begin=40,
        end=_base_.fine_tune_iters,
        by_epoch=False,
    ),
]
