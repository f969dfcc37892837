# Every UDA term with its paper's defaults, and the recipes that combine
# them. A model fragment (_base_/models, or any mmseg model through
# mmseg::) defines the segmentor as `model`; a leaf config wraps it, the
# segmentor's own config untouched (docs/own_backbone.md):
#   model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
# and a derived leaf changes a term with model = dict(terms=dict(...)),
# removes one with terms=dict(adv=None), or switches one off with
# --cfg-options model.terms.adv.weight=0.
#
# Output-space adversarial learning (AdaptSegNet): lambda_adv L_adv and
# the update of D, whose optimizer is optim_wrapper.adv.
adv = dict(
    type='AdversarialTerm',
    weight=0.002,  # lambda_adv: paper, Sec. 4 (AdaptSegNet single-level 0.001)
    # D's input channels follow the segmentor's classes.
    discriminator=dict(type='FCDiscriminator', ndf=64),
    gan_loss='BCE',  # AdaptSegNet's vanilla GAN; 'LS' for LSGAN
    head='decode',  # D reads the segmentor's output
)
# Progressive Feature Refinement: lambda_pfr (L_sty + L_con) on the
# backbone's stage outputs, taken before any neck.
pfr = dict(
    type='PFRTerm',
    weight=0.004,  # lambda_pfr: paper, Sec. 4
    stages=None,  # every stage the backbone returns (ResNet: conv2_x..5_x)
    loss=dict(
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
)
# Mean-teacher self-training with ClassMix (DACS, WACV 2021; DAFormer's
# settings, CVPR 2022): lambda_st L_st, weighted 1 in both.
st = dict(
    type='SelfTrainingTerm',
    weight=1.0,
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
# The teacher whose pseudo-labels self-training learns from.
mean_teacher = dict(
    type='MeanTeacher',
    alpha=0.99,  # EMA momentum of the teacher
    pseudo_threshold=0.968,  # confident pixels: top probability above it
    # Rows of each target image whose pseudo-labels get weight 0: DACS
    # uses none; DAFormer 15 (top) and 120 (bottom: the ego car) on
    # Cityscapes at 512 rows.
    pseudo_weight_ignore_top=0,
    pseudo_weight_ignore_bottom=0,
)
# Thing-class ImageNet feature distance (DAFormer, CVPR 2022; its
# configs/_base_/uda/dacs_a999_fdthings.py): lambda_fd L_fd between the
# student's last backbone stage and that of a frozen copy of the
# ImageNet-pretrained backbone (the segmentor backbone's init_cfg, which
# must be set), on source cells of the thing classes.
fd = dict(
    type='FeatureDistanceTerm',
    weight=0.005,  # lambda_fd: DAFormer's imnet_feature_dist_lambda
    # Cityscapes' thing classes (traffic light, sign, person ... bicycle):
    # DAFormer's imnet_feature_dist_classes; None compares every cell.
    classes=(6, 7, 11, 12, 13, 14, 15, 16, 17, 18),
    # A feature cell keeps a class covering >= 75% of its pixels:
    # DAFormer's imnet_feature_dist_scale_min_ratio.
    min_ratio=0.75,
    stage=-1,  # the bottleneck (last) stage, DAFormer's feat[-1]
)
# Masked image consistency (MIC, CVPR 2023; its
# seg/configs/mic/gtaHR2csHR_mic_hrda.py): the student on the
# colour-augmented target image with blocks masked learns the teacher's
# pseudo-labels of the full image (mask_mode='separatetrgaug', the same
# teacher and threshold as self-training: mask_alpha='same').
mic = dict(
    type='MaskedConsistencyTerm',
    weight=1.0,  # lambda_mic: MIC's mask_lambda
    mask_ratio=0.7,  # share of blocks masked: MIC's mask_ratio
    # Block size: MIC's 64 px at HRDA's 1024-row crops of full-resolution
    # images and 32 px at DAFormer's 512-row crops of half-resolution ones
    # (its seg/experiments.py, experiment 81), i.e. 64 * H / 1024 for
    # input height H; reference_height=None keeps block_size at any size.
    block_size=64,
    reference_height=1024,
    # The colour jitter and blur before masking: the same settings as the
    # self-training's ClassMix (MIC reads DACS's color_jitter_*).
    augment=dict(
        type='StrongAugment',
        color_jitter_strength=0.2,
        color_jitter_prob=0.8,
        blur_prob=0.5,
        blur_sigma=(0.15, 1.15),
    ),
)
# AdaptSegNet's multi-level variant (train_gta2cityscapes_multi.py): a
# second classifier on conv4_x (the segmentor's auxiliary_head, trained
# on the source with loss_weight = lambda_seg 0.1) read by a second D
# with its own optimizer, optim_wrapper.adv_aux; lambda_adv1 2e-4 on the
# auxiliary level beside lambda_adv2 1e-3 on the main one (adv).
adv_aux = dict(adv, weight=0.0002, head='auxiliary')
# DAFormer's teacher: EMA 0.999 (its a999) and the pseudo-label crop
# (pseudo_weight_ignore_top/bottom 15/120 at 512-row Cityscapes crops).
daformer_teacher = dict(
    mean_teacher,
    alpha=0.999,
    pseudo_weight_ignore_top=15,
    pseudo_weight_ignore_bottom=120,
)
# The recipes: the UDA model without its segmentor.
source_only = dict(
    type='UDASegmentor',
    terms=dict(),
    # One concatenated forward for source+target when the crops match and
    # no layer normalises with batch statistics (same result, faster);
    # False forces two forwards.
    fuse_forward=True,
    # A NaN/Inf loss term stops training before its update, naming the
    # term; 'skip' skips such updates instead (counted in the log).
    nonfinite='stop',
)
pfr_adv = dict(source_only, terms=dict(adv=adv, pfr=pfr))  # the paper
adaptsegnet = dict(source_only, terms=dict(adv=dict(adv, weight=0.001)))
pfr_only = dict(source_only, terms=dict(pfr=pfr))
self_training = dict(source_only, teacher=mean_teacher, terms=dict(st=st))
pfr_self_training = dict(self_training, terms=dict(st=st, pfr=pfr))
adaptsegnet_multilevel = dict(
    source_only, terms=dict(adv=dict(adv, weight=0.001), adv_aux=adv_aux)
)
# DAFormer's UDA terms (self-training, feature distance, its teacher); its
# warm-up schedule and rare-class sampling are in the schedule and data.
daformer = dict(
    source_only, teacher=daformer_teacher, terms=dict(st=st, fd=fd)
)
mic_daformer = dict(daformer, terms=dict(st=st, fd=fd, mic=mic))
pfr_daformer = dict(daformer, terms=dict(st=st, fd=fd, pfr=pfr))
pfr_mic_daformer = dict(daformer, terms=dict(st=st, fd=fd, mic=mic, pfr=pfr))
# ADVENT (Vu et al., CVPR 2019; valeoai/ADVENT advent/domain_adaptation/
# config.py), multi-level as its default config (MULTI_LEVEL=True): each
# term on the decode head and again on the auxiliary head on conv4_x (the
# segmentor's auxiliary_head, trained on the source with loss_weight =
# LAMBDA_SEG_AUX 0.1), which the segmentor must have.
# MinEnt: lambda_ent times the mean over target pixels of the entropy of the
# softmax at the input size, in log2 and / log2 C.
ent = dict(
    type='EntropyTerm',
    weight=0.001,  # lambda_ent: LAMBDA_ENT_MAIN
    head='decode',
)
ent_aux = dict(ent, weight=0.0002, head='auxiliary')  # LAMBDA_ENT_AUX
# AdvEnt: AdaptSegNet's output-space adversarial term with D reading the
# self-information maps -P log2 P / log2 C instead of the softmax P; each
# level's D has its own optimizer (optim_wrapper.adv_ent, .adv_ent_aux).
adv_ent = dict(
    adv,
    type='EntropyAdversarialTerm',
    weight=0.001,  # LAMBDA_ADV_MAIN
)
adv_ent_aux = dict(adv_ent, weight=0.0002, head='auxiliary')  # LAMBDA_ADV_AUX
minent = dict(source_only, terms=dict(ent=ent, ent_aux=ent_aux))
advent = dict(
    source_only, terms=dict(adv_ent=adv_ent, adv_ent_aux=adv_ent_aux)
)
# The segmentor and each term's D are updated by different optimizers in
# separate backward passes, so each is wrapped in its own DDP on many GPUs.
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False,
)
