"""compat.quiet: the stack's known, harmless warnings are silenced in the
tools, by exact text and module; everything else still shows."""

import logging
import warnings

import pytest

from mmseg_pfr.compat.quiet import ENV, quiet_if_asked, quiet_logger

# (text, module) as the stack emits them (mmcv-lite 2.1, setuptools 80,
# mmseg 1.2.2).
KNOWN = [
    (
        'Fail to import ``MultiScaleDeformableAttention`` from '
        '``mmcv.ops.multi_scale_deform_attn``, You should install ``mmcv`` '
        'rather than ``mmcv-lite`` if you need this module. ',
        'mmcv.cnn.bricks.transformer',
    ),
    (
        'pkg_resources is deprecated as an API. See https://setuptools.pypa'
        '.io/en/latest/pkg_resources.html. The pkg_resources package is '
        'slated for removal as early as 2025-11-30. Refrain from using this '
        'package or pin to Setuptools<81.',
        'mmengine.utils.package_utils',
    ),
    (
        'pkg_resources is deprecated as an API. See https://setuptools.pypa'
        '.io/en/latest/pkg_resources.html.',
        'importlib',
    ),
    (
        '``build_loss`` would be deprecated soon, please use '
        '``mmseg.registry.MODELS.build()`` ',
        'mmseg.models.builder',
    ),
]
# Real warnings of the same libraries, or the same text from our own code.
OTHERS = [
    ('Default ``avg_non_ignore`` is False', 'mmseg.models.losses.ce'),
    ('Fail to import ``MultiScaleDeformableAttention``', 'mmseg_pfr.models'),
    ('something else', 'mmcv.cnn.bricks.transformer'),
]
KNOWN_LOGS = [
    'The prefix is not set in metric class IoUMetric.',
    'The prefix is not set in metric class SubsetIoUMetric.',
    '"FileClient" will be deprecated in future. Please use io functions in '
    'https://mmengine.readthedocs.io/en/latest/api/fileio.html#file-io',
    '"HardDiskBackend" is the alias of "LocalBackend" and the former will be '
    'deprecated in future.',
]


def shown(warnings_to_emit) -> list:
    """The texts of the warnings that get through the current filters."""
    with warnings.catch_warnings(record=True) as caught:
        for text, module in warnings_to_emit:
            warnings.warn_explicit(text, UserWarning, 'x.py', 1, module)
    return [str(w.message) for w in caught]


@pytest.fixture
def filters():
    """Warning filters restored after the test, every warning shown."""
    with warnings.catch_warnings():
        warnings.simplefilter('always')
        yield


def test_quiet_tools_ignore_known_warnings_only(filters, monkeypatch):
    monkeypatch.setenv(ENV, '1')
    quiet_if_asked()
    assert shown(KNOWN) == []
    assert shown(OTHERS) == [text for text, _ in OTHERS]


@pytest.mark.parametrize('value', [None, '0'])
def test_without_the_tools_request_nothing_is_filtered(
    filters, monkeypatch, value
):
    # A user's own `import mmseg_pfr`, or MMSEG_PFR_QUIET=0.
    if value is None:
        monkeypatch.delenv(ENV, raising=False)
    else:
        monkeypatch.setenv(ENV, value)
    quiet_if_asked()
    assert shown(KNOWN) == [text for text, _ in KNOWN]


def logged(logger: logging.Logger, messages, level=logging.WARNING) -> list:
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    for message in messages:
        logger.log(level, message)
    logger.removeHandler(handler)
    return [r.getMessage() for r in records]


def test_quiet_logger_drops_known_warnings_only(monkeypatch):
    monkeypatch.setenv(ENV, '1')
    logger = logging.Logger('runner')
    quiet_logger(logger)
    quiet_logger(logger)  # idempotent
    assert len(logger.filters) == 1
    assert logged(logger, KNOWN_LOGS) == []
    others = [
        'The prefix is not set in metric class MyMetric.',
        '"FileClient" will be deprecated in future.',
    ]
    assert logged(logger, others) == others
    # The same text at another level is not the known warning.
    assert logged(logger, KNOWN_LOGS[:1], logging.ERROR) == KNOWN_LOGS[:1]


def test_quiet_logger_does_nothing_unless_asked(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    logger = logging.Logger('runner')
    quiet_logger(logger)
    assert logged(logger, KNOWN_LOGS) == KNOWN_LOGS
