# Benchmark row (protocol v3; docs/uda_recipe.md): AdaptSegNet's
# multi-level variant on the miniature: the single-level row plus a second
# classifier on the backbone's third stage (the counterpart of conv4_x; 64
# channels here), trained on the source with lambda_seg 0.1, and a second
# D reading it (adv_aux, lambda_adv 2e-4, D of the same width as the main
# one), with its own Adam and schedule.
_base_ = './adaptsegnet_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
decode_head = _base_.model.segmentor.decode_head
auxiliary_head = dict(
    decode_head,
    in_channels=64,
    in_index=2,
    loss_decode=dict(decode_head.loss_decode, loss_weight=0.1),
)
model = dict(
    segmentor=dict(auxiliary_head=auxiliary_head),
    terms=dict(
        adv_aux=dict(
            _base_.adv_aux, discriminator=dict(type='FCDiscriminator', ndf=16)
        )
    ),
)
optim_wrapper = dict(adv_aux=_base_.optim_wrapper.adv)
param_scheduler = dict(adv_aux=[_base_.poly])
