# The demo's schedule, fixed before any method was measured: SGD from
# scratch (lr 0.01, momentum 0.9, weight decay 5e-4; no 10x classifier rate,
# which is for fine-tuning a pretrained backbone) and D's Adam 1e-4 from
# AdaptSegNet, both with poly(0.9) decay over the run. The length is what
# the README's promise allows: the PFR + adv demo, data generation included,
# in under 5 minutes on 2 CPU cores (2 min 36 s measured).
_base_ = './adaptsegnet_150k.py'
max_iters = 600
optim_wrapper = dict(
    segmentor=dict(
        optimizer=dict(lr=0.01),
        paramwise_cfg=dict(_delete_=True),
    ),
)
poly = dict(_base_.poly, end=max_iters)
param_scheduler = dict(segmentor=[poly], discriminator=[poly])
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1, save_best=None),
    # Paint every 10th validation image into the work dir.
    visualization=dict(draw=True, interval=10),
)
