# For transformer backbones: SegFormer's optimizer as mmseg and DAFormer
# configure it for MiT, run for 40k iterations as DAFormer does for UDA with
# MiT-B5: DAFormer's schedule (adamw_poly10warm_40k.py: AdamW 6e-5, weight
# decay 0.01, heads x10, 1500 warm-up iterations on a linear decay over the
# run, D warmed up too) plus no weight decay on norms and position blocks
# (DAFormer's MiT setting). SGD at 2.5e-4 (the DeepLab-v2 recipe) does not
# train MiT well. Validation and checkpoints as in adaptsegnet_150k.py.
_base_ = './adamw_poly10warm_40k.py'
optim_wrapper = dict(
    segmentor=dict(
        paramwise_cfg=dict(
            custom_keys={
                'pos_block': dict(decay_mult=0.0),
                'norm': dict(decay_mult=0.0),
            },
        ),
    ),
)
