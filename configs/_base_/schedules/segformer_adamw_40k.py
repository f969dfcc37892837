# For transformer backbones: SegFormer's optimizer as mmseg and DAFormer
# configure it for MiT, run for 40k iterations as DAFormer does for UDA with
# MiT-B5: DAFormer's schedule (adamw_poly10warm_40k.py: AdamW 6e-5, weight
# decay 0.01, heads x10, 1500 warm-up iterations on a linear decay over the
# run, D warmed up too) plus no weight decay on norms and position blocks
# (DAFormer's MiT setting). SGD at 2.5e-4 (the DeepLab-v2 recipe) does not
# train MiT well. Validation and checkpoints as in adaptsegnet_150k.py.
#
# DAFormer's key 'norm' matches every LayerNorm of its own MiT, whose
# stage-closing norms are called norm1..norm4; mmseg 1.x calls them
# layers.<i>.2, which 'norm' misses, so they are named here: the four get
# no weight decay, as in DAFormer. (mmengine matches a key as a substring of
# the parameter's name; the trailing dot keeps layers.0.2. from matching
# anything but that norm's weight and bias.)
_base_ = './adamw_poly10warm_40k.py'
no_decay = dict(decay_mult=0.0)
optim_wrapper = dict(
    segmentor=dict(
        paramwise_cfg=dict(
            custom_keys={
                'pos_block': no_decay,
                'norm': no_decay,
                **{f'backbone.layers.{i}.2.': no_decay for i in range(4)},
            },
        ),
    ),
)
