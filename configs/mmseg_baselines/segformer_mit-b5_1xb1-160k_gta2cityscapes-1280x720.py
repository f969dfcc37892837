# Stock mmseg: SegFormer MiT-B5 taken from mmseg itself, trained on GTA5
# alone (source only) with the optimizer and schedule of mmseg's
# segformer_mit-b5_8xb1-160k_cityscapes config, evaluated on Cityscapes val.
_base_ = [
    'mmseg::_base_/models/segformer_mit-b0.py',
    '../_base_/datasets/gta_to_cityscapes_source_only.py',
    'mmseg::_base_/schedules/schedule_160k.py',
    '../_base_/default_runtime.py',
]
mit_b5 = 'https://download.openmmlab.com/mmsegmentation/v0.5/pretrain/segformer/mit_b5_20220624-658746d9.pth'  # noqa
model = dict(
    data_preprocessor=dict(size=(720, 1280)),
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint=mit_b5),
        embed_dims=64,
        num_layers=[3, 6, 40, 3],
    ),
    decode_head=dict(in_channels=[64, 128, 320, 512]),
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
    dict(
        type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500
    ),
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=1.0,
        begin=1500,
        end=160000,
        by_epoch=False,
    ),
]
train_dataloader = dict(batch_size=1)
