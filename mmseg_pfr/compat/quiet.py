"""Known, harmless third-party warnings, silenced in our tools only.

A ``tools/train.py`` run printed seven warnings before its first useful
line, none of which asks anything of a user of this project:

- mmcv-lite: ``Fail to import MultiScaleDeformableAttention``. mmcv-lite
  has no compiled ops; no model here uses that one, and a compiled op that
  is called still fails with a message naming it (:mod:`.mmcv_ops`).
- setuptools, twice: ``pkg_resources is deprecated as an API ... pin to
  Setuptools<81``. mmengine 0.10 resolves ``mmseg::`` base configs with
  ``pkg_resources``; it works with every setuptools below 82, which is what
  ``setup.py`` pins, so the advice only contradicts that pin.
- mmseg: ``build_loss would be deprecated soon``, from mmseg's own decode
  heads.
- mmengine: ``The prefix is not set in metric class IoUMetric``. A prefix
  would rename every logged metric (``mIoU`` -> ``<prefix>/mIoU``) and the
  checkpoints' ``save_best`` key with it.
- mmengine: ``"FileClient" will be deprecated`` and ``"HardDiskBackend" is
  the alias of "LocalBackend"``, from mmengine's own ``CheckpointHook``.

A runner writes ``init_weights``' report (a record per parameter, hundreds
of lines) into its log file. A tool that builds a model without a runner
(``tools/analysis/loss_balance.py``) would print it on the console instead,
so the tools drop it from mmengine's default logger too.

Each is matched by its exact text and the module that emits it, so every
other warning, from these libraries too, is still shown. Only the tools opt
in: they set ``MMSEG_PFR_QUIET=1`` (unless it is set already) before they
import the package, whose first act is :func:`quiet_if_asked`; the runner's
logger gets :func:`quiet_logger`, as mmengine's default logger (the one
used outside a runner) does in :func:`quiet_if_asked`. ``import mmseg_pfr``
in a user's own script changes no filter, and ``MMSEG_PFR_QUIET=0 python
tools/train.py ...`` shows everything.
"""

import logging
import os
import re
import warnings

ENV = 'MMSEG_PFR_QUIET'

# (message regex, emitting module regex) of warnings.warn calls.
KNOWN_WARNINGS = (
    (
        r'Fail to import ``MultiScaleDeformableAttention`` from '
        r'``mmcv\.ops\.multi_scale_deform_attn``',
        r'mmcv\.cnn\.bricks\.transformer$',
    ),
    # Emitted at "import pkg_resources": attributed to its importer, which
    # is mmengine or, through importlib, its package manager.
    (
        r'pkg_resources is deprecated as an API',
        r'(mmengine\.utils\.package_utils|importlib)$',
    ),
    (r'``build_loss`` would be deprecated soon', r'mmseg\.models\.builder$'),
)
# Whole messages of mmengine's logger warnings.
KNOWN_LOG_MESSAGES = re.compile(
    r'The prefix is not set in metric class (IoUMetric|SubsetIoUMetric)\.'
    r'|"FileClient" will be deprecated in future\. Please use io functions '
    r'in https://mmengine\.readthedocs\.io/en/latest/api/fileio\.html'
    r'#file-io'
    r'|"HardDiskBackend" is the alias of "LocalBackend" and the former will '
    r'be deprecated in future\.'
)
# One parameter of the init report that mmengine's BaseModule logs at INFO
# when its logger has no log file (BaseModule._dump_init_info).
INIT_REPORT = re.compile(
    r'\n\S+ - torch\.Size\(\[[\d, ]*\]\): \n.* \n ', re.DOTALL
)


def enabled() -> bool:
    """Whether the running program asked for quiet (``MMSEG_PFR_QUIET=1``)."""
    return os.environ.get(ENV) == '1'


def quiet_if_asked() -> None:
    """Ignore :data:`KNOWN_WARNINGS` when :func:`enabled`; must run before
    mmcv, mmengine and mmseg are imported (they warn at import)."""
    if not enabled():
        return
    for message, module in KNOWN_WARNINGS:
        warnings.filterwarnings(
            'ignore', message=message, category=UserWarning, module=module
        )
    # Only now: importing mmengine emits two of the warnings above.
    from mmengine.logging import MMLogger

    quiet_logger(MMLogger.get_current_instance())


class KnownMessageFilter(logging.Filter):
    """Drops the warnings of :data:`KNOWN_LOG_MESSAGES` and the init report
    (:data:`INIT_REPORT`), keeps the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        known = {
            logging.WARNING: KNOWN_LOG_MESSAGES,
            logging.INFO: INIT_REPORT,
        }.get(record.levelno)
        return not (known and known.fullmatch(record.getMessage()))


def quiet_logger(logger: logging.Logger) -> None:
    """Give ``logger`` (a runner's) a :class:`KnownMessageFilter` when
    :func:`enabled`; before the runner trains or tests, which is when the
    messages come."""
    if enabled() and not any(
        isinstance(f, KnownMessageFilter) for f in logger.filters
    ):
        logger.addFilter(KnownMessageFilter())
