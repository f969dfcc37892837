"""Unsupervised domain adaptation of any mmseg segmentor: a source
segmentation loss plus weighted UDA terms.

The segmentor M learns from labelled source and unlabelled target images::

    L = L_seg + sum_k lambda_k L_k

with ``L_seg`` the source segmentation loss of M's own heads and each
``lambda_k L_k`` a term module (:mod:`.terms`): the PFR paper's objective
is ``L_seg + 0.002 L_adv + 0.004 L_pfr`` (:class:`AdversarialTerm`,
:class:`PFRTerm`); DACS adds ``L_st`` (:class:`SelfTrainingTerm`) with a
mean teacher (:class:`MeanTeacher`).
"""

import re
from typing import Dict, Iterator, List, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList, add_prefix
from torch import Tensor

from .config_errors import UDAConfigError, check_arguments, check_term_types
from .fusion import fusion
from .nonfinite import check_nonfinite_policy, may_update, skipped_count
from .pretrained import pretrained_keys, weights_error
from .segmentation_loss import segmentation_loss
from .step import UDAStep, current_iteration
from .summary import describe
from .taps import DomainOutputs, SegmentorTaps, check_segmentor
from .terms.base import UDATerm

RESERVED = ('segmentor', 'teacher', 'data_preprocessor')


def inner(module: nn.Module) -> nn.Module:
    """A module itself, also when a DDP wrapper holds it."""
    return module.module if is_model_wrapper(module) else module


@MODELS.register_module()
class UDASegmentor(BaseModel):
    """UDA around any mmseg ``EncoderDecoder`` or
    ``CascadeEncoderDecoder``, unmodified.

    One training iteration (:meth:`train_step`)::

        data['source'], data['target'] --segmentor.data_preprocessor-->
            x_s, y_s ; x_t (no labels)
        forward_step: segmentor(x, mode='tensor') per domain (or once on
            cat(x_s, x_t)), hooks keeping the backbone's stages (before any
            neck), extract_feat's features and each decode head's logits
            --> UDAStep
        segmentor update:
            decode.*, aux.*  = L_seg: the segmentor's own heads on the
                               source (decode_0.*, ... for a cascade)
            <name>.*         = term.loss(step) for each active term
                               (adv.loss_adv, pfr.loss_style, st.loss_ce...)
        teacher update (when a term learns from it): EMA of the segmentor
        each term with a network of its own (D), through its DDP wrapper:
            <name>.disc.*    = term(step) -> optimizer <name>

    A term of weight 0 is built but computes nothing and is not updated;
    with no active term needing the target, the target is not forwarded
    (source-only training). Each update checks its loss first
    (``nonfinite``).

    Inference (:meth:`forward`, :meth:`val_step`, :meth:`test_step`) is the
    segmentor's own, so mmseg's evaluators, ``tools/test.py`` and
    ``mmseg.apis.inference_model`` work unchanged.

    Args:
        segmentor: Config of any mmseg encoder-decoder: a zoo config's
            ``model`` as it is (neck, auxiliary heads and cascades
            included); nothing UDA-specific goes in it.
        terms: ``{name: config}`` of the UDA terms, in the order they are
            computed; the name prefixes the term's log keys and names its
            optimizer (``optim_wrapper.<name>``) when it trains a network
            of its own. None entries are dropped, so a leaf config can
            remove an inherited term (``terms=dict(adv=None)``).
        teacher: Config of the mean teacher (:class:`MeanTeacher`), needed
            by the terms that learn from pseudo-labels (self-training,
            MIC); a child of this model (``teacher.model.*``), saved in
            checkpoints.
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
        terms: Optional[Dict[str, OptConfigType]] = None,
        teacher: OptConfigType = None,
        fuse_forward: bool = True,
        nonfinite: str = 'stop',
        train_cfg: OptConfigType = None,
        pretrained: Optional[str] = None,
        data_preprocessor: OptConfigType = None,
        init_cfg: OptConfigType = None,
        **unknown,
    ) -> None:
        check_arguments(unknown)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg
        )
        for name, value in (
            ('train_cfg', train_cfg),
            ('pretrained', pretrained),
        ):
            if value is not None:
                raise UDAConfigError(
                    f'UDASegmentor takes no {name}; set it in '
                    f'the segmentor config'
                )
        # The weights the config names, for the error when they cannot load.
        self._pretrained = pretrained_keys(
            dict(segmentor=segmentor, terms=terms, teacher=teacher), 'model'
        )
        self.fuse_forward = fuse_forward
        self.nonfinite = check_nonfinite_policy(nonfinite)
        self.segmentor = check_segmentor(MODELS.build(segmentor))
        self._init_batching()
        self.term_names = self._init_terms(terms or {})
        self._init_teacher(teacher)
        # Last: the teacher and the terms copy the segmentor without them.
        self._taps = SegmentorTaps(self.segmentor)
        self._described = False  # what it does: logged at the first step

    def init_weights(self) -> None:
        """mmengine's initialisation (pretrained weights included); weights
        a config names that cannot be loaded (no network, no file) raise
        :class:`PretrainedWeightsError` naming them and their key."""
        try:
            super().init_weights()
        except OSError as error:
            raise weights_error(self._pretrained, error) from error

    def _init_batching(self) -> None:
        """mmseg's data preprocessor stacks a training batch only with a
        ``size`` or a ``size_divisor``, which mmseg's model bases leave to
        its dataset configs; without either, pad each batch to its largest
        image (every domain's crops are of one size anyway)."""
        pre = self.segmentor.data_preprocessor
        if getattr(pre, 'size', 0) is None and (
            getattr(pre, 'size_divisor', 0) is None
        ):
            pre.size_divisor = 1

    def _init_terms(self, cfgs: Dict[str, OptConfigType]) -> List[str]:
        check_term_types(cfgs)
        names = []
        for name, cfg in cfgs.items():
            if cfg is None:
                continue
            if not re.fullmatch(r'[a-z][a-z0-9_]*', name) or name in RESERVED:
                raise UDAConfigError(
                    f'term name {name!r}: use a lower-case identifier other '
                    f'than {RESERVED}'
                )
            term = MODELS.build(cfg)
            if not isinstance(term, UDATerm):
                raise UDAConfigError(
                    f'terms.{name} must build a UDA term (AdversarialTerm, '
                    f'PFRTerm, ...), got {type(term).__name__}'
                )
            term.setup(self.segmentor)
            self.add_module(name, term)
            names.append(name)
        return names

    def _init_teacher(self, cfg: OptConfigType) -> None:
        if cfg is not None:
            self.teacher = MODELS.build(
                cfg, default_args=dict(student=self.segmentor)
            )
            return
        self.teacher = None
        needing = [n for n, t in self.named_terms() if t.needs_teacher]
        if needing:
            raise UDAConfigError(
                f"terms {needing} learn from a mean teacher's pseudo-labels:"
                " add teacher=dict(type='MeanTeacher') to the model"
            )

    @property
    def inner_segmentor(self) -> nn.Module:
        """The segmentor itself, also when a DDP wrapper holds it."""
        return inner(self.segmentor)

    def named_terms(self) -> Iterator[Tuple[str, UDATerm]]:
        """Every term, unwrapped, in config order."""
        for name in self.term_names:
            yield name, inner(getattr(self, name))

    def active_terms(self) -> Iterator[Tuple[str, UDATerm]]:
        """The terms of weight > 0."""
        return ((n, t) for n, t in self.named_terms() if t.active)

    @property
    def uses_target(self) -> bool:
        """Whether any active term needs the target domain."""
        return any(t.needs_target for _, t in self.active_terms())

    @property
    def uses_teacher(self) -> bool:
        """Whether any active term learns from the teacher."""
        return any(t.needs_teacher for _, t in self.active_terms())

    def train_step(
        self, data: dict, optim_wrapper: OptimWrapperDict
    ) -> Dict[str, Tensor]:
        """One UDA iteration: the segmentor's update, the teacher's EMA,
        then each term's own update (D's).

        Args:
            data: ``dict(source=..., target=...)``, each an mmseg batch
                (``inputs`` and ``data_samples``); target labels are unused.
                ``target`` may be absent when no term needs it.
            optim_wrapper: Holds ``'segmentor'`` and one entry per term
                that trains a network of its own, named after the term.

        Returns:
            The log variables of every update (see the class docstring).
        """
        source, target = self.preprocess(data)
        iteration = current_iteration()
        if self.uses_teacher and iteration == 0:
            self.teacher.sync(self.inner_segmentor)
        with optim_wrapper['segmentor'].optim_context(self.segmentor):
            losses, step = self.segmentor_losses(source, target)
        if not self._described:
            self._described = True
            for line in describe(self, step):
                print_log(line, logger='current')
        log_vars = self._update('segmentor', losses, optim_wrapper)
        if self.uses_teacher:
            self.teacher.update(self.inner_segmentor, iteration + 1)
        for name, term in self.active_terms():
            if term.has_update:
                wrapped = getattr(self, name)
                with optim_wrapper[name].optim_context(wrapped):
                    term_losses = wrapped(step)
                log_vars.update(
                    self._update(
                        name,
                        term_losses,
                        optim_wrapper,
                        prefix=f'{name}.{term.update_name}',
                    )
                )
        if self.nonfinite == 'skip':
            log_vars['nonfinite.skipped'] = skipped_count()
        return log_vars

    def _update(
        self,
        name: str,
        losses: Dict[str, Tensor],
        optim_wrapper: OptimWrapperDict,
        prefix: Optional[str] = None,
    ) -> Dict[str, Tensor]:
        """Optimizer ``name``'s update on the sum of its losses (unless the
        sum is not finite: ``nonfinite``); the log variables, prefixed (the
        sum too: ``<prefix>.loss``) when a term's own update logs them."""
        if prefix is not None:
            losses = add_prefix(losses, prefix)
        loss, log_vars = self.parse_losses(losses)
        if may_update(loss, losses, prefix or name, self.nonfinite):
            optim_wrapper[name].update_params(loss)
        if prefix is not None:
            log_vars[f'{prefix}.loss'] = log_vars.pop('loss')
        return log_vars

    def preprocess(self, data: dict) -> Tuple[dict, Optional[dict]]:
        """Each domain's batch through the segmentor's data preprocessor;
        no target when no term needs it."""
        preprocess = self.inner_segmentor.data_preprocessor
        source = preprocess(data['source'], True)
        if not self.uses_target:
            return source, None
        if data.get('target') is None:
            raise ValueError(
                'UDASegmentor: the terms '
                f'{[n for n, t in self.active_terms() if t.needs_target]} '
                'need the target domain, but the batch has no target '
                'images; give the UDADataset a target dataset'
            )
        return source, preprocess(data['target'], True)

    def segmentor_losses(
        self, source: dict, target: Optional[dict]
    ) -> Tuple[Dict[str, Tensor], UDAStep]:
        """The weighted terms of the segmentor's objective on preprocessed
        batches, and the step the terms' own updates read next."""
        step = self.forward_step(source, target)
        losses = segmentation_loss(step)
        for name, term in self.active_terms():
            losses.update(add_prefix(term.loss(step), name))
        return losses, step

    def forward_step(self, source: dict, target: Optional[dict]) -> UDAStep:
        """Forward both domains once and wrap what the terms share."""
        inputs = dict(source=source['inputs'])
        if target is not None:
            inputs['target'] = target['inputs']
        return UDAStep(
            inputs,
            self._forward_domains(inputs),
            source['data_samples'],
            self.inner_segmentor,
            self._read_student,
            self.teacher,
            None if target is None else target['data_samples'],
        )

    def _student(self, inputs: Tensor) -> Tensor:
        """The segmentor's logits through its own ``forward`` (what DDP
        synchronises)."""
        return self.segmentor(inputs, mode='tensor')

    def _read_student(self, inputs: Tensor) -> DomainOutputs:
        """:meth:`_student` and what the taps saw on the way."""
        return self._taps.reading(self._student, inputs)

    def _forward_domains(
        self, inputs: Dict[str, Tensor]
    ) -> Dict[str, DomainOutputs]:
        """Each domain's outputs: one concatenated forward when that is
        exact and allowed (:meth:`fusion`), else one forward each."""
        if (
            'target' in inputs
            and self.fusion(inputs['source'].shape, inputs['target'].shape)[0]
        ):
            fused = self._taps.reading(
                self._student, torch.cat([inputs['source'], inputs['target']])
            )
            source, target = fused.split(len(inputs['source']))
            return dict(source=source, target=target)
        return {
            domain: self._taps.reading(self._student, x)
            for domain, x in inputs.items()
        }

    def fusion(
        self, source_shape: torch.Size, target_shape: torch.Size
    ) -> Tuple[bool, str]:
        """Whether the two domains are forwarded as one batch, and why
        (:func:`.fusion.fusion`)."""
        return fusion(
            self.inner_segmentor, self.fuse_forward, source_shape, target_shape
        )

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
