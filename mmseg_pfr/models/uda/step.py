"""One training iteration's shared state, which every UDA term reads.

The UDA model forwards each domain once (or both at once) and hands the
terms a :class:`UDAStep`: the preprocessed batches, the forward outputs,
and, computed at most once per iteration whichever terms ask for them, what
several terms share: the probabilities D reads, the auxiliary heads' logits,
the teacher's pseudo-labels.
"""

from typing import Callable, Dict, Optional

import torch
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.utils import resize
from mmseg.utils import SampleList
from torch import Tensor

from ..losses.weighted_cross_entropy import weighted_cross_entropy
from ..utils.class_mix import ImageNorm
from ..utils.random_streams import current_iteration, stream_generator
from .pseudo_margins import margin_weights
from .taps import DomainOutputs, auxiliary_heads, decode_heads
from .teacher import MeanTeacher, PseudoLabels

DOMAINS = ('source', 'target')


__all__ = ['UDAStep', 'current_iteration', 'image_norm']


def image_norm(segmentor: EncoderDecoder) -> ImageNorm:
    """How the segmentor's data preprocessor normalises its inputs."""
    pre = segmentor.data_preprocessor
    if not pre._enable_normalize:
        one = torch.ones(3, 1, 1, device=pre.device)
        return ImageNorm(0 * one, one, not pre.channel_conversion)
    return ImageNorm(pre.mean, pre.std, not pre.channel_conversion)


class UDAStep:
    """What one iteration computed once, for every term.

    Attributes:
        inputs: ``{'source': x_s, 'target': x_t}`` normalised (N, 3, H, W)
            inputs; no target when no term needs it.
        outputs: The same keys: each domain's :class:`DomainOutputs`.
        source_samples: The source data samples (labels, meta).
        target_samples: The target data samples (meta: the pseudo-label
            margins a target pipeline marked), when a target was
            forwarded.
        segmentor: The segmentor itself (unwrapped), for its heads.
        student: The segmentor's forward ``x -> DomainOutputs`` through
            its DDP wrapper (what a term's extra forward of its own runs:
            :meth:`student_loss`).
        teacher: The mean teacher, when the model has one.
    """

    def __init__(
        self,
        inputs: Dict[str, Tensor],
        outputs: Dict[str, DomainOutputs],
        source_samples: SampleList,
        segmentor: EncoderDecoder,
        student: Callable[[Tensor], DomainOutputs],
        teacher: Optional[MeanTeacher] = None,
        target_samples: Optional[SampleList] = None,
    ) -> None:
        self.inputs = inputs
        self.outputs = outputs
        self.source_samples = source_samples
        self.target_samples = target_samples or []
        self.segmentor = segmentor
        self.student = student
        self.teacher = teacher
        self._memo: Dict[tuple, object] = {}

    @property
    def align_corners(self) -> bool:
        """Of the (last) decode head, for every resize of logits."""
        return self.segmentor.align_corners

    @property
    def ignore_index(self) -> int:
        """The label every segmentation loss ignores."""
        return decode_heads(self.segmentor)[-1].ignore_index

    def source_labels(self) -> Tensor:
        """(N, H, W) source labels."""
        return torch.stack([s.gt_sem_seg.data[0] for s in self.source_samples])

    def stage_inputs(self, domain: str) -> Tensor:
        """A domain's input as the kept backbone stages saw it: the input
        itself, or a multi-resolution segmentor's context (HRDA: the crop
        at half scale), so that a term running a network of its own on it
        (the feature distance's ImageNet copy) sees what the student's
        stages saw."""
        inputs = self.inputs[domain]
        context = getattr(self.segmentor, 'context_input', None)
        return inputs if context is None else context(inputs)

    def image_norm(self) -> ImageNorm:
        """How the inputs were normalised (for photometric augmentation)."""
        return image_norm(self.segmentor)

    def auxiliary_logits(self, domain: str, index: int = 0) -> Tensor:
        """The ``index``-th auxiliary head's output on a domain's features
        (computed once per iteration)."""
        key = ('aux', domain, index)
        if key not in self._memo:
            head = auxiliary_heads(self.segmentor)[index]
            self._memo[key] = head(self.outputs[domain].features)
        return self._memo[key]

    def probabilities(self, domain: str, head: str = 'decode') -> Tensor:
        """``Q = softmax(up(P))`` of a domain at its input crop size, of
        the decode head's logits (``'decode'``) or the first auxiliary
        head's (``'auxiliary'``); computed once per iteration, with its
        graph (``.detach()`` it where no gradient may flow)."""
        key = ('probs', domain, head)
        if key not in self._memo:
            logits = (
                self.outputs[domain].logits
                if head == 'decode'
                else self.auxiliary_logits(domain)
            )
            self._memo[key] = resize(
                logits,
                size=self.inputs[domain].shape[2:],
                mode='bilinear',
                align_corners=self.align_corners,
            ).softmax(dim=1)
        return self._memo[key]

    def student_loss(
        self, image: Tensor, label: Tensor, weight: Tensor
    ) -> Tensor:
        """The student's weighted pixel loss on a forward of its own of
        ``image`` against ``label`` (N, H, W) weighted by ``weight``
        (self-training's mixed images, MIC's masked ones):
        ``mean(w * CE(up(P), y))``, or a multi-resolution segmentor's own
        (HRDA's fused and detail losses, :meth:`weighted_loss`)."""
        outputs = self.student(image)
        if outputs.multi_res is not None:
            return self.segmentor.weighted_loss(
                outputs.multi_res, label, weight
            )
        return weighted_cross_entropy(
            outputs.logits, label, weight, self.align_corners,
            self.ignore_index,
        )  # fmt: skip

    def pseudo_labels(self) -> PseudoLabels:
        """The teacher's pseudo-labels of the target batch (once per
        iteration, shared by every term that learns from them), their
        weights 0 in the margins a target pipeline marked (HRDA's)."""
        if 'pseudo' not in self._memo:
            target = self.inputs['target']
            pseudo = self.teacher.predict(target, self.align_corners)
            valid = margin_weights(
                self.target_samples, target.shape[2:], target.device
            )
            if valid is not None:
                pseudo = pseudo._replace(weight=pseudo.weight * valid)
            self._memo['pseudo'] = pseudo
        return self._memo['pseudo']

    @staticmethod
    def generator(stream: str) -> torch.Generator:
        """A CPU generator seeded by (run seed, iteration, rank, stream):
        each term draws from its own stream, so a term's random choices do
        not depend on which other terms run, and a resumed run draws the
        same (:func:`..utils.random_streams.stream_generator`)."""
        return stream_generator(stream)
