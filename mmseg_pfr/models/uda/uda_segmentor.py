"""Unsupervised domain adaptation of an mmseg segmentor with Progressive
Feature Refinement and output-space adversarial learning (the PFR paper),
optionally with mean-teacher self-training (DACS).

The segmentor M learns from labelled source and unlabelled target images::

    L = L_seg + lambda_adv * L_adv + lambda_pfr * L_pfr + lambda_st * L_st

with ``L_seg`` the source cross-entropy, ``L_adv`` the loss of M fooling an
output-space domain classifier D on target images (AdaptSegNet),
``L_pfr`` the style and content alignment of source and target stage
features (:class:`~mmseg_pfr.models.losses.PFRLoss`) and ``L_st`` the
cross-entropy on ClassMix images against a mean teacher's pseudo-labels
(:class:`MeanTeacherSelfTraining`). D is trained in turn to tell the two
domains' predictions apart.
"""

from typing import Dict, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from mmengine.dist import get_rank
from mmengine.logging import MessageHub
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmseg.models.segmentors import CascadeEncoderDecoder, EncoderDecoder
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList, add_prefix
from torch import Tensor
from torch.nn.modules.batchnorm import _BatchNorm

from ..losses.gan_loss import (
    SOURCE_LABEL,
    TARGET_LABEL,
    check_gan_loss_type,
    domain_accuracy,
    gan_loss,
)
from ..necks.pfr_neck import PFRNeck
from ..utils.class_mix import ImageNorm
from .nonfinite import check_nonfinite_policy, may_update, skipped_count


class DomainOutputs(NamedTuple):
    """What one forward of the segmentor gives for one domain's batch."""

    logits: Tensor  # P: (N, K, h, w) decode-head scores
    stages: Tuple[Tensor, ...]  # C: extract_feat's stages, for aux heads/PFR

    def split(self, n: int) -> Tuple['DomainOutputs', 'DomainOutputs']:
        """The first ``n`` samples and the rest, of a fused batch."""
        first = DomainOutputs(
            self.logits[:n], tuple(s[:n] for s in self.stages)
        )
        rest = DomainOutputs(
            self.logits[n:], tuple(s[n:] for s in self.stages)
        )
        return first, rest


class StageTap:
    """A forward hook on the module whose output is ``extract_feat``'s
    stages (the neck, else the backbone), registered once: while
    :meth:`reading`, it keeps the last output. Registering a hook per
    forward would break a compiled graph."""

    def __init__(self, module: nn.Module) -> None:
        self.armed = False
        self.stages: Optional[Tuple[Tensor, ...]] = None
        module.register_forward_hook(self)

    def __call__(self, module: nn.Module, args, output) -> None:
        if self.armed:
            self.stages = tuple(output)

    def reading(self, forward, inputs: Tensor) -> Tuple[Tensor, tuple]:
        """``forward(inputs)`` and the stages it computed."""
        self.armed = True
        try:
            logits = forward(inputs)
            stages, self.stages = self.stages, None
        finally:
            self.armed = False
        return logits, stages


class Predictions(NamedTuple):
    """What D is trained on: ``Q = softmax(up(P))`` of each domain,
    detached from the segmentor."""

    source: Tensor
    target: Tensor


def frozen_call(module: nn.Module, inputs: Tensor) -> Tensor:
    """``module(inputs)`` with its parameters as constants: gradients reach
    ``inputs`` but none of the parameters. No ``requires_grad`` flag is
    touched, so a compiled step does not recompile."""
    params = {k: p.detach() for k, p in module.named_parameters()}
    return torch.func.functional_call(module, params, (inputs,))


def current_iteration() -> int:
    """The runner's 0-based iteration (0 outside a runner)."""
    return MessageHub.get_current_instance().get_info('iter', 0)


@MODELS.register_module()
class UDASegmentor(BaseModel):
    """PFR + output-space adversarial + self-training UDA around any
    ``EncoderDecoder``.

    One training iteration (:meth:`train_step`)::

        data['source'], data['target'] --segmentor.data_preprocessor-->
            x_s, y_s ; x_t (no labels)
        _forward_domains: segmentor(x, mode='tensor') per domain (or once on
            cat(x_s, x_t)), tapping extract_feat's stages C
            --> P_s, C_s ; P_t, C_t
        segmentor update, D frozen:
            decode.*, aux.*   = L_seg(P_s, y_s)
            adv.loss_adv      = lambda_adv * GAN(D(Q_t), source)
                                (Q = softmax of P upsampled to the crop)
            pfr.loss_style,
            pfr.loss_content  = lambda_pfr * L_pfr(C_s, C_t)
            st.loss_ce        = lambda_st * L_st: the student on
                                ClassMix(x_s, x_t) against the teacher's
                                pseudo-labels; st.pseudo_weight logged
        teacher update (self-training): EMA of the segmentor
        discriminator update, on Q_s.detach() and Q_t.detach():
            disc.loss_src = GAN(D(Q_s), source) / 2
            disc.loss_tgt = GAN(D(Q_t), target) / 2

    A zero weight removes its term and everything only it needs: with
    ``lambda_adv=0`` there is no D update and no softmax; with
    ``lambda_st=0`` no teacher forward, mix or EMA; with all weights 0 the
    target is not even forwarded (source-only training). The segmentor
    is called through its own ``forward``, so that the DDP wrapper mmengine's
    ``MMSeparateDistributedDataParallel`` puts around it synchronises its
    gradients. Each update checks its loss first (``nonfinite``).

    Inference (:meth:`forward`, :meth:`val_step`, :meth:`test_step`) is the
    segmentor's own, so mmseg's evaluators, ``tools/test.py`` and
    ``mmseg.apis.inference_model`` work unchanged.

    Args:
        segmentor: Config of an mmseg ``EncoderDecoder`` (single decode head,
            optional auxiliary heads). For PFR its neck must be a
            :class:`PFRNeck`, which names the aligned stages.
        discriminator: Config of the output-space domain classifier D, e.g.
            ``FCDiscriminator``; needed when ``lambda_adv > 0``. With
            ``lambda_adv=0`` a configured D is built but never run or
            updated, so ``--cfg-options model.lambda_adv=0`` needs no other
            change; source-only configs set it to None.
        pfr_loss: Config of the PFR loss (``PFRLoss``).
        self_training: Config of the self-training term
            (``MeanTeacherSelfTraining``); needed when ``lambda_st > 0``,
            built but idle when it is 0. Its teacher is a child of this
            model (``self_training.teacher``), saved in checkpoints.
        lambda_adv: Weight of ``L_adv``; the paper uses 0.002 (AdaptSegNet's
            single-level setting 0.001).
        lambda_pfr: Weight of ``L_pfr``; the paper uses 0.004.
        lambda_st: Weight of ``L_st``; 0 (off) by default, 1 in DACS and
            DAFormer.
        gan_loss: ``'BCE'`` (vanilla GAN, AdaptSegNet) or ``'LS'`` (LSGAN).
        fuse_forward: Forward source and target as one concatenated batch
            when their crops have the same size and no normalisation layer
            mixes samples (BatchNorm in training mode); mathematically the
            same as two forwards, and faster.
        nonfinite: ``'stop'`` (default): a NaN or infinite loss term stops
            training before its update, naming the term and the iteration;
            ``'skip'``: that update is skipped and counted
            (``nonfinite.skipped`` in the log).
        train_cfg: Must be None; accepted because ``mmseg.apis.init_model``
            sets it. The segmentor's own ``train_cfg`` goes in its config.
        pretrained: Must be None; likewise set by ``init_model``.
        data_preprocessor: Of the UDA model itself; each domain is
            preprocessed by the segmentor's own ``data_preprocessor``.
        init_cfg: Initialisation config of the UDA model.
    """

    def __init__(
        self,
        segmentor: ConfigType,
        discriminator: OptConfigType = None,
        pfr_loss: ConfigType = dict(type='PFRLoss'),
        self_training: OptConfigType = None,
        lambda_adv: float = 0.002,
        lambda_pfr: float = 0.004,
        lambda_st: float = 0.0,
        gan_loss: str = 'BCE',
        fuse_forward: bool = True,
        nonfinite: str = 'stop',
        train_cfg: OptConfigType = None,
        pretrained: Optional[str] = None,
        data_preprocessor: OptConfigType = None,
        init_cfg: OptConfigType = None,
    ) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg
        )
        for name, value in (
            ('train_cfg', train_cfg),
            ('pretrained', pretrained),
        ):
            if value is not None:
                raise TypeError(
                    f'UDASegmentor takes no {name}; set it in '
                    f'the segmentor config'
                )
        weights = dict(
            lambda_adv=lambda_adv, lambda_pfr=lambda_pfr, lambda_st=lambda_st
        )
        negative = {k: v for k, v in weights.items() if v < 0}
        if negative:
            raise ValueError(f'loss weights must be >= 0, got {negative}')
        self.lambda_adv = lambda_adv
        self.lambda_pfr = lambda_pfr
        self.lambda_st = lambda_st
        self.gan_loss = check_gan_loss_type(gan_loss)
        self.fuse_forward = fuse_forward
        self.nonfinite = check_nonfinite_policy(nonfinite)
        self._init_segmentor(segmentor)
        self._init_discriminator(discriminator)
        self._init_pfr(pfr_loss)
        self._init_self_training(self_training)
        seg = self.inner_segmentor
        self._tap = StageTap(seg.neck if seg.with_neck else seg.backbone)

    def _init_segmentor(self, cfg: ConfigType) -> None:
        self.segmentor = MODELS.build(cfg)
        if not isinstance(self.segmentor, EncoderDecoder) or isinstance(
            self.segmentor, CascadeEncoderDecoder
        ):
            raise TypeError(
                'UDASegmentor adapts an EncoderDecoder with one decode head, '
                f'got {type(self.segmentor).__name__}'
            )

    def _init_discriminator(self, cfg: OptConfigType) -> None:
        if cfg is not None:
            self.discriminator = MODELS.build(cfg)
        elif self.lambda_adv > 0:
            raise ValueError(
                'lambda_adv > 0 needs a discriminator config, e.g. '
                "dict(type='FCDiscriminator', num_classes=19)"
            )

    def _init_pfr(self, cfg: ConfigType) -> None:
        if self.lambda_pfr == 0:
            return
        if not isinstance(getattr(self.segmentor, 'neck', None), PFRNeck):
            raise ValueError(
                'lambda_pfr > 0 needs the segmentor to have a PFRNeck, which '
                'names the stages PFR aligns: add neck=dict(type='
                "'PFRNeck', in_index=(0, 1, 2, 3)) to the segmentor config"
            )
        self.pfr_loss = MODELS.build(cfg)

    def _init_self_training(self, cfg: OptConfigType) -> None:
        if cfg is not None:
            self.self_training = MODELS.build(
                cfg, default_args=dict(student=self.segmentor)
            )
        elif self.lambda_st > 0:
            raise ValueError(
                'lambda_st > 0 needs a self_training config, e.g. '
                "dict(type='MeanTeacherSelfTraining')"
            )

    @property
    def inner_segmentor(self) -> EncoderDecoder:
        """The segmentor itself, also when a DDP wrapper holds it."""
        seg = self.segmentor
        return seg.module if is_model_wrapper(seg) else seg

    @property
    def inner_discriminator(self) -> nn.Module:
        """D itself, also when a DDP wrapper holds it."""
        disc = self.discriminator
        return disc.module if is_model_wrapper(disc) else disc

    @property
    def uses_target(self) -> bool:
        """Whether any loss needs the target domain."""
        return self.lambda_adv > 0 or self.lambda_pfr > 0 or self.lambda_st > 0

    def train_step(
        self, data: dict, optim_wrapper: OptimWrapperDict
    ) -> Dict[str, Tensor]:
        """One UDA iteration: a segmentor update, the teacher's EMA update
        (self-training), then a D update (adversarial).

        Args:
            data: ``dict(source=..., target=...)``, each an mmseg batch
                (``inputs`` and ``data_samples``); target labels are unused.
                ``target`` may be absent when no loss needs it.
            optim_wrapper: Holds ``'segmentor'`` and, with ``lambda_adv > 0``,
                ``'discriminator'``.

        Returns:
            The log variables of both updates (see the class docstring).
        """
        source, target = self.preprocess(data)
        if self.lambda_st > 0 and current_iteration() == 0:
            self.self_training.sync(self.inner_segmentor)
        with optim_wrapper['segmentor'].optim_context(self.segmentor):
            losses, predictions = self.segmentor_losses(source, target)
        loss, log_vars = self.parse_losses(losses)
        if may_update(loss, losses, 'segmentor', self.nonfinite):
            optim_wrapper['segmentor'].update_params(loss)
        if self.lambda_st > 0:
            self.self_training.ema_update(
                self.inner_segmentor, current_iteration() + 1
            )
        if predictions is not None:
            log_vars.update(
                self._discriminator_step(
                    predictions, optim_wrapper['discriminator']
                )
            )
        if self.nonfinite == 'skip':
            log_vars['nonfinite.skipped'] = skipped_count()
        return log_vars

    def preprocess(self, data: dict) -> Tuple[dict, Optional[dict]]:
        """Each domain's batch through the segmentor's data preprocessor;
        no target when no loss needs it."""
        preprocess = self.inner_segmentor.data_preprocessor
        source = preprocess(data['source'], True)
        if not self.uses_target:
            return source, None
        if data.get('target') is None:
            raise ValueError(
                'UDASegmentor: a loss needs the target domain (lambda_adv, '
                'lambda_pfr or lambda_st > 0), but the batch has no target '
                'images; give the UDADataset a target dataset'
            )
        return source, preprocess(data['target'], True)

    def segmentor_losses(
        self, source: dict, target: Optional[dict]
    ) -> Tuple[Dict[str, Tensor], Optional[Predictions]]:
        """The weighted terms of the segmentor's objective on preprocessed
        batches, and the detached predictions D is trained on next (None
        without ``L_adv``)."""
        src, tgt = self._forward_domains(
            source['inputs'], target['inputs'] if target else None
        )
        losses = self._segmentation_loss(src, source['data_samples'])
        predictions = None
        if self.lambda_adv > 0:
            target_probs = self._probabilities(tgt.logits, target['inputs'])
            losses.update(self._adversarial_loss(target_probs))
            source_probs = self._probabilities(
                src.logits.detach(), source['inputs']
            )
            predictions = Predictions(source_probs, target_probs.detach())
        if self.lambda_pfr > 0:
            losses.update(self._pfr_loss(src.stages, tgt.stages))
        if self.lambda_st > 0:
            losses.update(self._self_training_loss(source, target))
        return losses, predictions

    def _forward_domains(
        self, source: Tensor, target: Optional[Tensor]
    ) -> Tuple[DomainOutputs, Optional[DomainOutputs]]:
        """Logits and stages of both domains: one concatenated forward when
        that is exact and allowed, else one forward each."""
        if target is None:
            return self._forward(source), None
        if not (
            self.fuse_forward
            and source.shape[1:] == target.shape[1:]
            and not self._normalisation_mixes_samples()
        ):
            return self._forward(source), self._forward(target)
        return self._forward(torch.cat([source, target])).split(len(source))

    def _normalisation_mixes_samples(self) -> bool:
        """Whether a layer that sees the fused batch normalises with batch
        statistics (BatchNorm in training mode), which would mix the domains;
        frozen BN, LayerNorm and GroupNorm do not. Auxiliary heads only ever
        see the source half."""
        seg = self.inner_segmentor
        fused = [seg.backbone, seg.decode_head] + (
            [seg.neck] if seg.with_neck else []
        )
        return any(
            isinstance(m, _BatchNorm) and m.training
            for part in fused
            for m in part.modules()
        )

    def _forward(self, inputs: Tensor) -> DomainOutputs:
        """One forward of the segmentor through its own ``forward`` (what DDP
        synchronises), tapping the stages that ``extract_feat`` returns."""
        logits, stages = self._tap.reading(
            lambda x: self.segmentor(x, mode='tensor'), inputs
        )
        return DomainOutputs(logits, stages)

    def _segmentation_loss(
        self, source: DomainOutputs, data_samples: SampleList
    ) -> Dict[str, Tensor]:
        """``L_seg`` on the labelled source: the decode head's loss on the
        logits already computed, plus the auxiliary heads' losses."""
        seg = self.inner_segmentor
        losses = add_prefix(
            seg.decode_head.loss_by_feat(source.logits, data_samples), 'decode'
        )
        if seg.with_auxiliary_head:
            losses.update(
                seg._auxiliary_head_forward_train(source.stages, data_samples)
            )
        return losses

    def _probabilities(self, logits: Tensor, inputs: Tensor) -> Tensor:
        """``Q = softmax(up(P))``: what D sees, at the input crop size."""
        align = self.inner_segmentor.decode_head.align_corners
        return resize(
            logits, size=inputs.shape[2:], mode='bilinear', align_corners=align
        ).softmax(dim=1)

    def _adversarial_loss(self, target_probs: Tensor) -> Dict[str, Tensor]:
        """``lambda_adv * L_adv``: M learns to make D call target predictions
        source. D is frozen and called unwrapped: none of its parameters
        gets a gradient here, so its DDP wrapper has nothing to track."""
        scores = frozen_call(self.inner_discriminator, target_probs)
        return {
            'adv.loss_adv': self.lambda_adv
            * gan_loss(scores, SOURCE_LABEL, self.gan_loss)
        }

    def _pfr_loss(
        self, source_stages: Sequence[Tensor], target_stages: Sequence[Tensor]
    ) -> Dict[str, Tensor]:
        """``lambda_pfr * L_pfr`` on the stages the PFRNeck selects."""
        neck = self.inner_segmentor.neck
        losses = self.pfr_loss(
            neck.select(source_stages), neck.select(target_stages)
        )
        return {f'pfr.{k}': self.lambda_pfr * v for k, v in losses.items()}

    def _self_training_loss(
        self, source: dict, target: dict
    ) -> Dict[str, Tensor]:
        """``lambda_st * L_st`` on ClassMix images of this batch, with the
        step's own random generator (seeded by the run's seed, the
        iteration and the rank, so a resumed run mixes the same way)."""
        seg = self.inner_segmentor
        labels = torch.stack(
            [s.gt_sem_seg.data[0] for s in source['data_samples']]
        )
        losses = self.self_training.loss(
            lambda x: self.segmentor(x, mode='tensor'),
            source['inputs'],
            labels,
            target['inputs'],
            self._image_norm(),
            self._step_generator(),
            seg.decode_head.align_corners,
            seg.decode_head.ignore_index,
        )
        losses['loss_ce'] = self.lambda_st * losses['loss_ce']
        return add_prefix(losses, 'st')

    def _image_norm(self) -> ImageNorm:
        """How the segmentor's data preprocessor normalises its inputs."""
        pre = self.inner_segmentor.data_preprocessor
        if not pre._enable_normalize:
            one = torch.ones(3, 1, 1, device=pre.device)
            return ImageNorm(0 * one, one, not pre.channel_conversion)
        return ImageNorm(pre.mean, pre.std, not pre.channel_conversion)

    @staticmethod
    def _step_generator() -> torch.Generator:
        """A CPU generator seeded by (run seed, iteration, rank)."""
        key = [torch.initial_seed(), current_iteration(), get_rank()]
        seed = int(np.random.SeedSequence(key).generate_state(1)[0])
        return torch.Generator().manual_seed(seed)

    def _discriminator_step(
        self, predictions: Predictions, optim_wrapper: OptimWrapper
    ) -> Dict[str, Tensor]:
        """D learns to tell the domains apart on detached predictions."""
        with optim_wrapper.optim_context(self.discriminator):
            src_scores = self.discriminator(predictions.source)
            tgt_scores = self.discriminator(predictions.target)
            losses = {
                'loss_src': gan_loss(src_scores, SOURCE_LABEL, self.gan_loss)
                / 2,
                'loss_tgt': gan_loss(tgt_scores, TARGET_LABEL, self.gan_loss)
                / 2,
            }
        loss, log_vars = self.parse_losses(losses)
        if may_update(loss, losses, 'discriminator', self.nonfinite):
            optim_wrapper.update_params(loss)
        log_vars['acc_src'] = domain_accuracy(
            src_scores, SOURCE_LABEL, self.gan_loss
        )
        log_vars['acc_tgt'] = domain_accuracy(
            tgt_scores, TARGET_LABEL, self.gan_loss
        )
        return add_prefix(log_vars, 'disc')

    def forward(
        self,
        inputs: Tensor,
        data_samples: Optional[SampleList] = None,
        mode: str = 'tensor',
    ):
        """The segmentor's forward (modes 'tensor', 'predict', 'loss')."""
        return self.segmentor(inputs, data_samples, mode)

    def val_step(self, data: dict) -> SampleList:
        """The segmentor's predictions, for mmseg's evaluators."""
        return self.segmentor.val_step(data)

    def test_step(self, data: dict) -> SampleList:
        """The segmentor's predictions, for ``tools/test.py``."""
        return self.segmentor.test_step(data)
