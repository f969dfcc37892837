"""``L_seg``: the segmentor's own supervised losses on the labelled source,
from the logits the step already computed.

mmseg's ``EncoderDecoder.loss`` would forward the source again; here each
decode head's ``loss_by_feat`` reads the logits kept by the step's forward
(a cascade's every head, as ``CascadeEncoderDecoder`` trains them), and
each auxiliary head reads the step's features, under mmseg's own log
keys. A multi-resolution segmentor's decode losses are its own (HRDA's
fused and detail losses, ``multi_res_loss``) on the step's forward.
"""

from typing import Dict

from mmseg.utils import add_prefix
from torch import Tensor

from .step import UDAStep
from .taps import auxiliary_heads, decode_heads


def segmentation_loss(step: UDAStep) -> Dict[str, Tensor]:
    """Each decode head's losses (``decode.*``; ``decode_<i>.*`` in a
    cascade; a multi-resolution segmentor's ``multi_res_loss``) and each
    auxiliary head's (``aux.*`` / ``aux_<i>.*``)."""
    out, samples = step.outputs['source'], step.source_samples
    losses = {}
    if out.multi_res is not None:
        losses.update(step.segmentor.multi_res_loss(out.multi_res, samples))
    heads = decode_heads(step.segmentor) if out.multi_res is None else []
    for i, head in enumerate(heads):
        prefix = 'decode' if len(heads) == 1 else f'decode_{i}'
        head_losses = head.loss_by_feat(out.head_logits[i], samples)
        losses.update(add_prefix(head_losses, prefix))
    aux = auxiliary_heads(step.segmentor)
    for i, head in enumerate(aux):
        prefix = 'aux' if len(aux) == 1 else f'aux_{i}'
        logits = step.auxiliary_logits('source', i)
        losses.update(add_prefix(head.loss_by_feat(logits, samples), prefix))
    return losses
