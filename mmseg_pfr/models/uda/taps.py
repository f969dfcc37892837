"""What one forward of an mmseg segmentor computes on the way to its
logits, read through forward hooks.

UDA terms need more than the logits ``P``: PFR and the feature distance
read the backbone's stage outputs (before any neck), the auxiliary heads
read what ``extract_feat`` gives (after the neck), and a cascade's first
heads have losses of their own. The segmentor is called through its own
``forward(mode='tensor')`` (what a DDP wrapper synchronises), and hooks
registered once on its backbone, neck and decode heads keep their outputs
while :meth:`SegmentorTaps.reading` is running. Registering hooks per
forward would break a compiled graph.

A multi-resolution segmentor (HRDA's,
:class:`~mmseg_pfr.models.segmentors.MultiResEncoderDecoder`) runs its
backbone twice per forward, on the context first: the stages and features
kept are the first call's (the whole crop, downscaled: what HRDA's feature
distance reads), and its ``multi_res_output`` (the fused, context and
detail logits and the detail crop) is kept for its own losses.
"""

from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

import torch.nn as nn
from mmseg.models.segmentors import EncoderDecoder
from torch import Tensor

from .config_errors import UDAConfigError


class DomainOutputs(NamedTuple):
    """One forward of the segmentor on one domain's batch."""

    logits: Tensor  # P: (N, K, h, w) the segmentor's output (last head)
    stages: Tuple[Tensor, ...]  # the backbone's outputs, before any neck
    features: Tuple[Tensor, ...]  # extract_feat's: what the heads read
    head_logits: Tuple[Tensor, ...]  # each decode head's output, in order
    # A multi-resolution segmentor's training forward (MultiResOutput).
    multi_res: Optional[tuple] = None
    # Its backbone's outputs on the detail crop (``stages`` are the
    # context's); None for a segmentor of one scale.
    detail_stages: Optional[Tuple[Tensor, ...]] = None

    def split(self, n: int) -> Tuple['DomainOutputs', 'DomainOutputs']:
        """The first ``n`` samples and the rest, of a fused batch."""
        return (
            DomainOutputs(*(_take(f, slice(None, n)) for f in self)),
            DomainOutputs(*(_take(f, slice(n, None)) for f in self)),
        )


def _take(field, index: slice):
    """``field``'s samples at ``index``: every tensor in it sliced along
    the batch; numbers and None (a crop box, no output) as they are."""
    if isinstance(field, Tensor):
        return field[index]
    if field is None or isinstance(field, (int, float)):
        return field
    parts = [_take(f, index) for f in field]
    return type(field)(*parts) if hasattr(field, '_fields') else tuple(parts)


def decode_heads(segmentor: EncoderDecoder) -> List[nn.Module]:
    """The decode heads in the order they run (one, or a cascade's)."""
    heads = segmentor.decode_head
    return list(heads) if isinstance(heads, nn.ModuleList) else [heads]


def auxiliary_heads(segmentor: EncoderDecoder) -> List[nn.Module]:
    """The auxiliary heads (none, one, or a list)."""
    if not segmentor.with_auxiliary_head:
        return []
    heads = segmentor.auxiliary_head
    return list(heads) if isinstance(heads, nn.ModuleList) else [heads]


def check_segmentor(segmentor: nn.Module) -> EncoderDecoder:
    """``segmentor`` itself when it is an mmseg encoder-decoder (with or
    without a neck, auxiliary heads or a cascade); else a TypeError."""
    if not isinstance(segmentor, EncoderDecoder):
        raise UDAConfigError(
            'UDASegmentor adapts an mmseg EncoderDecoder or '
            'CascadeEncoderDecoder (a backbone, an optional neck and decode '
            f'heads), got {type(segmentor).__name__}'
        )
    return segmentor


class _Keep:
    """A forward hook that keeps its module's first output of a reading
    under ``key``."""

    def __init__(self, owner: 'SegmentorTaps', key: str) -> None:
        self.owner, self.key = owner, key

    def __call__(self, module: nn.Module, args, output) -> None:
        if self.owner.armed:
            self.owner.seen.setdefault(self.key, output)


class _KeepEvery:
    """A forward hook that keeps every output of its module in a reading,
    in order, under ``key``."""

    def __init__(self, owner: 'SegmentorTaps', key: str) -> None:
        self.owner, self.key = owner, key

    def __call__(self, module: nn.Module, args, output) -> None:
        if self.owner.armed:
            self.owner.seen.setdefault(self.key, []).append(output)


class _KeepOutput:
    """A decode head's ``forward``, keeping its output under ``key``.
    mmseg's segmentors call ``decode_head.forward`` directly, which no
    forward hook sees."""

    def __init__(self, owner: 'SegmentorTaps', key: str, forward) -> None:
        self.owner, self.key, self.forward = owner, key, forward

    def __call__(self, *args, **kwargs):
        output = self.forward(*args, **kwargs)
        if self.owner.armed:
            self.owner.seen[self.key] = output
        return output


class SegmentorTaps:
    """Forward hooks on a segmentor's backbone and neck, and a tap on each
    decode head of a cascade but the last (whose output is the logits)."""

    def __init__(self, segmentor: EncoderDecoder) -> None:
        self.armed = False
        self.seen: Dict[str, object] = {}
        heads = decode_heads(segmentor)
        self.num_heads = len(heads)
        segmentor.backbone.register_forward_hook(_KeepEvery(self, 'stages'))
        if segmentor.with_neck:
            segmentor.neck.register_forward_hook(_Keep(self, 'features'))
        multi_res = getattr(segmentor, 'multi_res_output', None)
        if multi_res is not None:
            multi_res.register_forward_hook(_Keep(self, 'multi_res'))
        for i, head in enumerate(heads[:-1]):
            head.forward = _KeepOutput(self, f'head{i}', head.forward)

    def reading(
        self, forward: Callable[[Tensor], Tensor], inputs: Tensor
    ) -> DomainOutputs:
        """``forward(inputs)`` and what the hooks saw on the way."""
        self.armed = True
        try:
            logits = forward(inputs)
            seen, self.seen = self.seen, {}
        finally:
            self.armed = False
        calls = seen['stages']  # a multi-resolution forward: context, detail
        stages = tuple(calls[0])
        multi_res = seen.get('multi_res')
        return DomainOutputs(
            logits,
            stages,
            tuple(seen['features']) if 'features' in seen else stages,
            tuple(seen[f'head{i}'] for i in range(self.num_heads - 1))
            + (logits,),
            multi_res,
            None if multi_res is None else tuple(calls[1]),
        )
