# The PFR paper's objective: L = L_seg + 0.002 L_adv + 0.004 L_pfr, with
# AdaptSegNet's output-space discriminator and PFR on the stages the
# segmentor's PFRNeck names. Every UDA knob lives here. A model fragment
# (_base_/models) defines the segmentor; a leaf config joins the two with
#   model = _base_.uda
# (mmengine refuses two bases that both define `model`).
uda = dict(
    type='UDASegmentor',
    discriminator=dict(type='FCDiscriminator', num_classes=19, ndf=64),
    pfr_loss=dict(
        type='PFRLoss',
        style_weight=1.0,  # w_sty: Gram-matrix (style) term
        content_weight=1.0,  # w_con: feature (content) term
        stage_weights=None,  # w_i per PFR stage; None = 1 each
        # Gatys et al.'s normalisation (Gram / (H*W), mean over entries),
        # which the paper cites; 'chw' (also / C) silences the style term
        # at ResNet-101 widths (docs/components.md, loss balance).
        gram_norm='hw',
        # "Source features are matched to the target's": the target
        # features are the reference and get no PFR gradient.
        detach_target=True,
    ),
    lambda_adv=0.002,  # paper, Sec. 4 (AdaptSegNet single-level: 0.001)
    lambda_pfr=0.004,  # paper, Sec. 4
    gan_loss='BCE',  # AdaptSegNet's vanilla GAN; 'LS' for LSGAN
    # One concatenated forward for source+target when the crops match and
    # BN is frozen (same result, faster); False forces two forwards.
    fuse_forward=True,
)
# The segmentor and D are updated by different optimizers in separate
# backward passes, so each is wrapped in its own DDP on many GPUs.
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False,
)
