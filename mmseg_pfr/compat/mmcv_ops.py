"""Pure-PyTorch stand-ins for the mmcv ops that mmseg imports unguarded.

``mmcv-lite`` has no compiled extension (``mmcv._ext``), so ``import mmcv.ops``
fails, and mmseg 1.2 imports ``point_sample`` and ``sigmoid_focal_loss`` from
it without a guard (in ``models/utils/point_sample.py``,
``models/losses/focal_loss.py``, ``models/decode_heads/san_head.py`` and
``utils/mask_classification.py``): ``import mmseg.models`` breaks. When, and
only when, the compiled extension is missing, :func:`install` puts a small
``mmcv.ops`` module in place that provides those two functions; nothing of
mmcv or mmseg is changed. Every other op is absent, and says so in the way
each kind of caller expects:

- ``hasattr(mmcv.ops, 'nms')`` is False and ``getattr(mmcv.ops, 'nms',
  None)`` is None: an attribute lookup raises :class:`MissingOpError`, an
  ``AttributeError`` whose text names the op and how to get a compiled
  mmcv (also what ``mmcv.ops.nms(...)`` shows).
- ``from mmcv.ops import nms`` raises ``ModuleNotFoundError`` with that text,
  which mmseg's guarded imports (``except ModuleNotFoundError``) expect.
  Python's import statement, when a package has no attribute of that name,
  imports the submodule ``mmcv.ops.nms``; a finder on ``sys.meta_path``
  answers every ``mmcv.ops.<name>`` with that error, naming the module that
  is really missing, ``mmcv._ext`` (had it named ``mmcv.ops.nms``, the import
  machinery would drop it for its own "cannot import name", an
  ``ImportError`` that mmseg's guards do not catch).
"""

import importlib.abc
import importlib.util
import re
import sys
import types
from typing import Optional

import torch.nn.functional as F
from torch import Tensor

COMPILED_MMCV_HINT = (
    'Install a compiled mmcv instead of mmcv-lite: pip uninstall mmcv-lite; '
    "pip install 'mmcv>=2.0.0,<2.2.0' (builds CPU ops in ~10 min; for CUDA "
    'wheels see https://mmcv.readthedocs.io/en/latest/get_started/'
    'installation.html).'
)


def point_sample(
    input: Tensor, points: Tensor, align_corners: bool = False, **kwargs
) -> Tensor:
    """Bilinear features at normalised points, as ``mmcv.ops.point_sample``.

    Args:
        input: Feature map, (N, C, H, W).
        points: Point coordinates in [0, 1] x [0, 1] as (x, y), shaped
            (N, P, 2) or (N, Hg, Wg, 2).
        align_corners: As in :func:`torch.nn.functional.grid_sample`.
        **kwargs: Further :func:`grid_sample` options (``mode``,
            ``padding_mode``).

    Returns:
        (N, C, P) or (N, C, Hg, Wg) features.
    """
    squeeze = points.dim() == 3
    grid = points.unsqueeze(2) if squeeze else points
    # grid_sample wants [-1, 1] coordinates.
    out = F.grid_sample(
        input, 2.0 * grid - 1.0, align_corners=align_corners, **kwargs
    )
    return out.squeeze(3) if squeeze else out


def sigmoid_focal_loss(
    input: Tensor,
    target: Tensor,
    gamma: float = 2.0,
    alpha: float = 0.25,
    weight: Optional[Tensor] = None,
    reduction: str = 'mean',
) -> Tensor:
    """Sigmoid focal loss (Lin et al., 2017), as ``mmcv.ops``' compiled op.

    For logits ``x`` (N, C) and class indices ``t`` (N,), with p = sigmoid(x):
    ``-alpha (1-p)^gamma log p`` where ``c == t`` and
    ``-(1-alpha) p^gamma log(1-p)`` elsewhere; ``t == C`` marks a sample with
    no positive class.

    Args:
        input: Logits, (N, C).
        target: Class indices in [0, C], (N,).
        gamma: Focusing exponent.
        alpha: Weight of the positive term.
        weight: Per-sample weights, (N,).
        reduction: ``'none'`` gives (N, C); ``'mean'`` divides the sum by N
            (mmcv's convention); ``'sum'``.
    """
    positive = F.one_hot(target.long(), input.size(1) + 1)[:, :-1].to(input)
    p = input.sigmoid()
    # log(p) and log(1-p) from logits, stable for large |x|.
    loss = -(
        alpha * positive * (1 - p).pow(gamma) * F.logsigmoid(input)
        + (1 - alpha) * (1 - positive) * p.pow(gamma) * F.logsigmoid(-input)
    )
    if weight is not None:
        loss = loss * weight.view(-1, 1)
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'mean':
        return loss.sum() / input.size(0)
    raise ValueError(
        f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}"
    )


def _missing_message(name: str) -> str:
    return (
        f"mmcv.ops.{name} needs mmcv's compiled operators, which this "
        f'install (mmcv-lite) does not have; mmseg_pfr provides pure-PyTorch '
        f'versions of point_sample and sigmoid_focal_loss only. '
        f'{COMPILED_MMCV_HINT}'
    )


class MissingOpError(AttributeError):
    """An mmcv op that needs the compiled extension mmcv-lite lacks."""


# mmseg's own error where a head needs an op its guarded import did not
# find (CCHead, PSAHead, PointHead), which names the pre-2.0 package.
MMSEG_MISSING_OP = re.compile(r'Please install mmcv-full for (?P<op>\w+) ops')


def compiled_op_message(error: BaseException) -> Optional[str]:
    """One line for an error raised because mmcv's compiled ops are
    missing (ours, or mmseg's "Please install mmcv-full"), naming the op
    and the install command; None for any other error."""
    if isinstance(error, MissingOpError) or (
        isinstance(error, ModuleNotFoundError) and error.name == 'mmcv._ext'
    ):
        return str(error)
    match = MMSEG_MISSING_OP.search(str(error))
    if isinstance(error, RuntimeError) and match:
        return _missing_message(match.group('op'))
    return None


def _missing_op(name: str):
    """Module ``__getattr__``: every other name is absent, with a reason."""
    if name.startswith('__'):
        raise AttributeError(name)
    raise MissingOpError(_missing_message(name), name=name)


class _MissingOpFinder(importlib.abc.MetaPathFinder):
    """Answers the import of any ``mmcv.ops.<name>`` (which ``from mmcv.ops
    import <name>`` tries for a name the module lacks) with a clear
    ``ModuleNotFoundError``."""

    def find_spec(self, fullname: str, path=None, target=None):
        """Raise for ``mmcv.ops.*``; leave every other module alone."""
        if not fullname.startswith('mmcv.ops.'):
            return None
        op = fullname[len('mmcv.ops.') :]
        raise ModuleNotFoundError(_missing_message(op), name='mmcv._ext')


def has_compiled_mmcv() -> bool:
    """Whether mmcv's compiled extension ``mmcv._ext`` is installed."""
    return importlib.util.find_spec('mmcv._ext') is not None


def install() -> bool:
    """Provide ``mmcv.ops`` from this module where mmcv has no compiled ops.

    Returns:
        True when the stand-in was installed, False when a compiled mmcv (or
        an ``mmcv.ops`` already imported) is used as it is.
    """
    if 'mmcv.ops' in sys.modules or has_compiled_mmcv():
        return False
    import mmcv

    ops = types.ModuleType('mmcv.ops', __doc__)
    ops.__path__ = []  # a package without submodules: mmcv.ops.x fails too
    ops.point_sample = point_sample
    ops.sigmoid_focal_loss = sigmoid_focal_loss
    ops.__getattr__ = _missing_op
    sys.modules['mmcv.ops'] = ops
    mmcv.ops = ops
    sys.meta_path.insert(0, _MissingOpFinder())
    return True
