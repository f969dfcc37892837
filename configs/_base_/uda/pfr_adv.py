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
    # Self-training, off here (no self_training config, which mmengine
    # could not merge a leaf's dict into): self-training leaf configs set
    #   model = _base_.self_training_only
    lambda_st=0.0,
    # A NaN/Inf loss term stops training before its update, naming the term;
    # 'skip' skips such updates instead (counted in the log).
    nonfinite='stop',
)
# Mean-teacher self-training with ClassMix (DACS, WACV 2021; DAFormer's
# settings, CVPR 2022). L_st is weighted 1 (lambda_st) in both.
mean_teacher = dict(
    type='MeanTeacherSelfTraining',
    alpha=0.99,  # EMA momentum of the teacher
    pseudo_threshold=0.968,  # confident pixels: top probability above it
    # Rows of each target image whose pseudo-labels get weight 0: DACS
    # uses none; DAFormer 15 (top) and 120 (bottom: the ego car) on
    # Cityscapes at 512 rows.
    pseudo_weight_ignore_top=0,
    pseudo_weight_ignore_bottom=0,
    class_mix=dict(
        type='ClassMix',
        color_jitter_strength=0.2,
        # DAFormer's color_jitter_probability=0.2 is the probability of
        # *not* jittering (its code jitters when U(0, 1) > 0.2).
        color_jitter_prob=0.8,
        blur_prob=0.5,
        blur_sigma=(0.15, 1.15),
    ),
)
# The segmentor and D are updated by different optimizers in separate
# backward passes, so each is wrapped in its own DDP on many GPUs.
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False,
)
# What a self-training config changes in the model: the mean teacher on
# (L_st weighted 1, as DACS/DAFormer), the discriminator and PFR off; a
# leaf adds PFR back with lambda_pfr. With it, optim_wrapper must drop D's
# optimizer: optim_wrapper = dict(discriminator=None).
self_training_only = dict(
    lambda_adv=0.0,
    lambda_pfr=0.0,
    discriminator=None,
    self_training=mean_teacher,
    lambda_st=1.0,
)
