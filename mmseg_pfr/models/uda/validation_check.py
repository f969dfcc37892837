"""The validation path, run once before training.

Training never calls a segmentor's ``predict``: a ``test_cfg`` it cannot
use (mmseg's UNet base gives slide inference an integer ``crop_size`` and
``stride``, which ``slide_inference`` unpacks as pairs) trains for the whole
first validation interval and then crashes with
``TypeError: cannot unpack non-iterable int object``. :func:`predict_problem`
runs ``predict`` under the segmentor's ``test_cfg`` on one small zero image
and names ``test_cfg`` when it fails.
"""

from typing import Tuple

import torch
import torch.nn as nn
from mmseg.structures import SegDataSample

SLIDE_PAIRS = ('crop_size', 'stride')


def slide_problem(test_cfg, prefix: str) -> str:
    """Why a slide-mode ``test_cfg`` cannot be unpacked (empty when it
    can, or is not slide mode)."""
    if test_cfg.get('mode', 'whole') != 'slide':
        return ''
    for key in SLIDE_PAIRS:
        value = test_cfg.get(key)
        if not (isinstance(value, (tuple, list)) and len(value) == 2):
            pair = (
                f'({value}, {value})' if isinstance(value, int) else '(h, w)'
            )
            return (
                f'{prefix}test_cfg.{key} is {value!r}: slide inference '
                f'needs an (h, w) pair: set {key}={pair}'
            )
    return ''


def predict_problem(
    segmentor: nn.Module, size: Tuple[int, int], prefix: str
) -> str:
    """Why validation would fail: ``segmentor.predict`` under its
    ``test_cfg`` on a zero image of ``size`` (empty when it works). Call
    under ``torch.no_grad()`` with the model in eval mode."""
    test_cfg = segmentor.test_cfg
    problem = slide_problem(test_cfg, prefix)
    if problem:
        return problem
    device = next(segmentor.parameters()).device
    image = torch.zeros(1, 3, *size, device=device)
    sample = SegDataSample(
        metainfo=dict(img_shape=size, ori_shape=size, pad_shape=size)
    )
    try:
        segmentor.predict(image, [sample])
    except Exception as error:  # any failure: validation would stop there
        first = str(error).splitlines()[0] if str(error) else ''
        return (
            f'{prefix}test_cfg={dict(test_cfg)}: validation would fail, '
            f'predict on a {size[0]}x{size[1]} image raised '
            f'{type(error).__name__}: {first}'
        )
    return ''
