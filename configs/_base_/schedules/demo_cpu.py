# The demo's fine-tuning schedule on the synthetic benchmark
# (docs/synthetic_benchmark.md, protocol): every method starts from the same
# source-pretrained network (the warm start: configs/demo/warm-start_*) and
# fine-tunes it for 600 iterations, as the paper fine-tunes a pretrained
# DeepLab-v2. SGD lr 1e-2 (momentum 0.9, weight decay 5e-4), the rate the
# warm start was trained with, as AdaptSegNet fine-tunes at DeepLab-v2's
# own training rate; no 10x classifier rate (the classifier is pretrained
# too). D's Adam 1e-4 from AdaptSegNet; both poly(0.9) over the run. The
# length is what the README's promise allows: the PFR + adv demo, data
# generation included, in under 5 minutes on 2 CPU cores.
_base_ = './adaptsegnet_150k.py'
max_iters = 600
optim_wrapper = dict(
    segmentor=dict(
        optimizer=dict(lr=1e-2),
        paramwise_cfg=dict(_delete_=True),
    ),
)
poly = dict(_base_.poly, end=max_iters)
param_scheduler = dict(segmentor=[poly], adv=[poly])
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1, save_best=None),
    # Paint every 10th validation image into the work dir.
    visualization=dict(draw=True, interval=10),
)
