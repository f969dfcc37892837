"""Which of the segmentor's outputs a term reads.

A term reads either the segmentor's prediction (its last decode head's
logits, ``'decode'``) or the first auxiliary head's (``'auxiliary'``): the
multi-level variants of AdaptSegNet and ADVENT put a second classifier on
conv4_x (mmseg's ``auxiliary_head`` on stage index 2) and give it a second
term of its own, with a smaller weight.
"""

import torch.nn as nn
from mmseg.models.segmentors import EncoderDecoder

from ..taps import auxiliary_heads, decode_heads

HEADS = ('decode', 'auxiliary')


def check_head(head: str) -> str:
    """``head`` itself, or a ValueError naming the choices."""
    if head not in HEADS:
        raise ValueError(f'head must be one of {HEADS}, got {head!r}')
    return head


def read_head(segmentor: EncoderDecoder, head: str, term: str) -> nn.Module:
    """The head whose output a term reads: the last decode head for
    ``'decode'``, the first auxiliary head for ``'auxiliary'``; an error
    naming the term (``term``, its class name) when the segmentor has no
    auxiliary head."""
    if head == 'decode':
        return decode_heads(segmentor)[-1]
    heads = auxiliary_heads(segmentor)
    if not heads:
        raise ValueError(
            f"an {term} with head='auxiliary' reads the segmentor's "
            'auxiliary head, but it has none: add one (AdaptSegNet '
            "multi-level: auxiliary_head=dict(type='DLV2Head', "
            'in_channels=1024, in_index=2, ...))'
        )
    return heads[0]
