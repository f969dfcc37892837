# DAFormer's optimisation (Hoyer et al., CVPR 2022: lhoyer/DAFormer
# configs/_base_/schedules/adamw.py + poly10warm.py, 40k iterations), which
# DAFormer, HRDA and MIC use for MiT-B5 and for DeepLab-v2 alike: AdamW lr
# 6e-5, betas (0.9, 0.999), weight decay 0.01, heads at 10x (DAFormer's
# `head` lr_mult, which also matches `auxiliary_head`), with a learning-rate
# warm-up (reported +6.4 mIoU for MiT-B5 on GTA5 -> Cityscapes).
#
# The warm-up, exactly as DAFormer's mmcv 1.x hook computes it (policy
# 'poly', power 1, min_lr 0, warmup 'linear', warmup_iters 1500,
# warmup_ratio 1e-6): at iteration t of T = max_iters,
#   lr(t) = lr0 * w(t) * (1 - t / T),
#   w(t) = 1e-6 + (1 - 1e-6) * t / 1500 for t < 1500, else 1.
# The poly decay runs over the whole schedule from iteration 0 and the
# warm-up multiplies it: it does NOT restart at 1500 (at t = 1500 the rate
# is lr0 * (1 - 1500 / T), 0.9625 lr0 at 40k). mmengine's schedulers chain
# multiplicatively, so LinearLR and PolyLR both from 0 give that product
# (exact with eta_min 0). Their denominators are end - begin - 1, hence
# end=1501 and end=max_iters + 1 for DAFormer's 1500 and T. (mmseg's
# SegFormer schedule, LinearLR end=1500 then PolyLR begin=1500, reaches
# the full rate at 1499 and restarts the decay there: close, not DAFormer.)
#
# D (where a config has one): DAFormer has none. Its Adam 1e-4 (AdaptSegNet)
# gets the same warm-up, so that during it D does not train at full rate
# against a segmentor that barely moves, then AdaptSegNet's poly 0.9 over
# the run; `param_scheduler = dict(adv=[_base_.d_poly])` after
# this file gives D AdaptSegNet's schedule alone.
# Validation, checkpoints and loop as in adaptsegnet_150k.py.
# To warm up another schedule, chain `warmup` before its poly (from 0).
_base_ = './adaptsegnet_150k.py'
max_iters = 40000
warmup_iters = 1500
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
            _delete_=True, custom_keys={'head': dict(lr_mult=10.0)}
        ),
    ),
)
warmup = dict(
    type='LinearLR',
    start_factor=1e-6,
    end_factor=1.0,
    by_epoch=False,
    begin=0,
    end=warmup_iters + 1,
)
poly10 = dict(
    type='PolyLR',
    eta_min=0.0,
    power=1.0,
    by_epoch=False,
    begin=0,
    end=max_iters + 1,
)
d_poly = dict(_base_.poly, end=max_iters + 1)
param_scheduler = dict(
    segmentor=[warmup, poly10], adv=[warmup, d_poly]
)
train_cfg = dict(max_iters=max_iters)
