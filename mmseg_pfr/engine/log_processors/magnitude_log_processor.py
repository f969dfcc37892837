"""A log processor that prints every logged value with its magnitude.

mmengine's ``LogProcessor`` prints floats with a fixed number of decimals
(``num_digits``, 4): ``pfr.loss_style`` at 1e-7 prints as ``0.0000``, which
reads as "off". This one prints ``num_digits`` significant digits instead,
in scientific notation below 1e-3 (``1.234e-07``, ``0.01235``, ``12.35``,
``1235``); learning rates keep mmengine's ``1.0000e-02``. The values sent to
the visualiser (``scalars.json``, TensorBoard) are the unrounded floats, as
before.
"""

import math
import re
from typing import Tuple

from mmengine.runner import LogProcessor
from mmseg.registry import LOG_PROCESSORS

# Below this, fixed-point notation hides the magnitude behind zeros.
SCIENTIFIC_BELOW = 1e-3
FIXED_SPEC = re.compile(r'\.(\d+)f')


def significant(value: float, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits, scientific below
    1e-3 (0, infinities and NaN as Python prints them)."""
    if value == 0 or not math.isfinite(value):
        return str(value)
    if abs(value) < SCIENTIFIC_BELOW:
        return f'{value:.{digits - 1}e}'
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f'{value:.{decimals}f}'


class _Scalar(float):
    """A logged float: mmengine formats it with ``.Nf`` (N decimals), which
    this turns into N significant digits; every other format is a float's."""

    def __format__(self, spec: str) -> str:
        fixed = FIXED_SPEC.fullmatch(spec)
        if fixed:
            return significant(float(self), int(fixed.group(1)))
        return super().__format__(spec)


def _plain(tag: dict) -> dict:
    """The tag with plain floats, for the visualiser and message hub."""
    return {
        k: float(v) if isinstance(v, _Scalar) else v for k, v in tag.items()
    }


@LOG_PROCESSORS.register_module()
class MagnitudeLogProcessor(LogProcessor):
    """mmengine's ``LogProcessor`` with significant digits (see the module
    docstring); takes the same arguments (``num_digits``: significant
    digits, default 4)."""

    def _collect_scalars(self, *args, **kwargs) -> dict:
        # Every float the log line shows passes through here.
        scalars = super()._collect_scalars(*args, **kwargs)
        return {
            k: _Scalar(v) if isinstance(v, float) else v
            for k, v in scalars.items()
        }

    def get_log_after_iter(self, *args, **kwargs) -> Tuple[dict, str]:
        tag, log_str = super().get_log_after_iter(*args, **kwargs)
        return _plain(tag), log_str

    def get_log_after_epoch(self, *args, **kwargs) -> Tuple[dict, str]:
        tag, log_str = super().get_log_after_epoch(*args, **kwargs)
        return _plain(tag), log_str
