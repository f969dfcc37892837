# For transformer backbones: SegFormer's optimizer as mmseg configures it
# (AdamW 6e-5, weight decay 0.01, none on norms and position blocks, head
# x10, 1500 warm-up iterations then linear decay), run for 40k iterations as
# DAFormer does for UDA with MiT-B5. D keeps AdaptSegNet's Adam 1e-4 with
# poly(0.9) decay. SGD at 2.5e-4 (the DeepLab-v2 recipe) does not train
# MiT well. Validation and checkpoints as in adaptsegnet_150k.py.
_base_ = './adaptsegnet_150k.py'
max_iters = 40000
optim_wrapper = dict(
    segmentor=dict(
        optimizer=dict(
            _delete_=True,
            type='AdamW',
            lr=6e-5,
            betas=(0.9, 0.999),
            weight_decay=0.01,
        ),
        paramwise_cfg=dict(
            _delete_=True,
            custom_keys={
                'pos_block': dict(decay_mult=0.0),
                'norm': dict(decay_mult=0.0),
                'head': dict(lr_mult=10.0),
            },
        ),
    ),
)
param_scheduler = dict(
    segmentor=[
        dict(
            type='LinearLR',
            start_factor=1e-6,
            by_epoch=False,
            begin=0,
            end=1500,
        ),
        dict(
            type='PolyLR',
            eta_min=0.0,
            power=1.0,
            begin=1500,
            end=max_iters,
            by_epoch=False,
        ),
    ],
    discriminator=[dict(_base_.poly, end=max_iters)],
)
train_cfg = dict(max_iters=max_iters)
