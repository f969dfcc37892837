# The deeplabv3plus row's PFR + adv version (the paper's weights,
# _base_/uda/terms.py: lambda_adv 0.002, lambda_pfr 0.004 on every stage
# the backbone returns), D at the miniature's scale (ndf 16, as the demo's);
# otherwise as st_deeplabv3plus_r18gn_*.
_base_ = './st_deeplabv3plus_r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(
    _base_.pfr_adv,
    _delete_=True,
    segmentor=_base_.model.segmentor,
    terms=dict(
        adv=dict(
            _base_.adv, discriminator=dict(type='FCDiscriminator', ndf=16)
        ),
        pfr=_base_.pfr,
    ),
)
optim_wrapper = dict(adv=_base_.d_optim_wrapper)
param_scheduler = dict(adv=[_base_.d_poly])
