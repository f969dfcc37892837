"""Every tool gets tools/train.py's quiet console (compat.quiet), and the
analysis tools write under work_dirs/ unless told otherwise."""

import ast
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from torch import nn

from mmseg_pfr.compat.quiet import ENV, quiet_if_asked

ROOT = Path(__file__).resolve().parents[2]
TOOLS = sorted(
    path.relative_to(ROOT).as_posix()
    for folder in (
        'analysis',
        'misc',
        'model_converters',
        'dataset_converters',
    )
    for path in (ROOT / 'tools' / folder).glob('*.py')
)
STACK = ('mmseg_pfr', 'mmseg', 'mmengine', 'mmcv')
ASK = "os.environ.setdefault('MMSEG_PFR_QUIET', '1')"
# A piece of each known warning that a tool run without a runner can show.
KNOWN = [
    'MultiScaleDeformableAttention',
    'pkg_resources',
    '``build_loss`` would be deprecated',
]
DEMO = ROOT / 'configs/demo/pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
WARM_START = (
    ROOT / 'checkpoints/demo/warm-start_deeplabv2-r18gn_synthetic-source_seed0'
    '.pth'
)
TINY = [
    f'train_dataloader.dataset.{domain}.num_samples=2'
    for domain in ('source', 'target')
]


def stack_import_line(tree: ast.Module) -> int:
    """Line of the module's first top-level import of the stack, 0 if
    none."""
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or '']
        else:
            continue
        if any(name.split('.')[0] in STACK for name in names):
            return node.lineno
    return 0


def ask_line(tree: ast.Module) -> int:
    """Line of the top-level ``os.environ.setdefault('MMSEG_PFR_QUIET',
    '1')``, 0 if none."""
    for node in tree.body:
        if isinstance(node, ast.Expr) and ast.unparse(node) == ASK:
            return node.lineno
    return 0


@pytest.mark.parametrize('tool', TOOLS)
def test_every_tool_asks_for_quiet_before_the_stack_loads(tool):
    tree = ast.parse((ROOT / tool).read_text())
    first_import = stack_import_line(tree)
    if first_import:
        assert 0 < ask_line(tree) < first_import
    else:
        # A tool that never loads the stack has nothing to silence.
        assert ask_line(tree) == 0


def run_domain_gap(cwd: Path, quiet: str = None):
    """tools/analysis/domain_gap.py on the shipped demo start, in ``cwd``,
    as a user runs it (``quiet`` sets MMSEG_PFR_QUIET when given)."""
    env = {k: v for k, v in os.environ.items() if k != ENV}
    env['MMSEG_PFR_SYNTHETIC_CACHE'] = str(cwd / 'cache')
    if quiet is not None:
        env[ENV] = quiet
    command = [
        sys.executable, str(ROOT / 'tools/analysis/domain_gap.py'),
        str(DEMO), str(WARM_START), '--pairs', '2', '--cfg-options', *TINY,
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_analysis_tool_console_is_quiet_and_writes_under_work_dirs(
    tmp_path,
):
    result = run_domain_gap(tmp_path)
    output = result.stdout + result.stderr
    assert [k for k in KNOWN if k in output] == []
    assert 'Warning' not in result.stderr
    out = Path('work_dirs', 'domain_gap')
    assert result.stdout.splitlines()[-1] == (
        f'wrote {out / "domain_gap.md"} and {out / "domain_gap.png"}'
    )
    assert sorted(p.name for p in (tmp_path / out).iterdir()) == [
        'domain_gap.md',
        'domain_gap.png',
    ]
    # Nothing else in the working directory but the data cache.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'cache',
        'work_dirs',
    ]


def test_analysis_tool_shows_everything_when_asked(tmp_path):
    # MMSEG_PFR_QUIET=0: the same run shows the known warnings, which is
    # what the test above would see if a tool forgot to ask for quiet.
    result = run_domain_gap(tmp_path, quiet='0')
    assert [k for k in KNOWN if k in result.stderr] == KNOWN


class Tiny(BaseModule):
    def __init__(self):
        super().__init__(init_cfg=dict(type='Constant', val=1, layer='Conv2d'))
        self.conv = nn.Conv2d(1, 2, 1)


def info_records(logger: logging.Logger, emit) -> list:
    """The INFO messages that get through ``logger``'s filters while
    ``emit()`` runs."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        emit()
    finally:
        logger.removeHandler(handler)
    return [r.getMessage() for r in records if r.levelno == logging.INFO]


@pytest.fixture
def default_logger(monkeypatch):
    """mmengine's current logger as a tool without a runner has it: no log
    file (an earlier test's runner may have left its own, with one, as
    the current instance). Warning filters restored after the test."""
    logger = MMLogger('tool without a runner', logger_name='tool')
    monkeypatch.setattr(
        MMLogger, 'get_current_instance', classmethod(lambda cls: logger)
    )
    with warnings.catch_warnings():
        yield logger


def test_tools_drop_the_init_report_outside_a_runner(
    monkeypatch, default_logger
):
    monkeypatch.setenv(ENV, '1')
    quiet_if_asked()
    assert info_records(default_logger, Tiny().init_weights) == []
    # Other information still shows.
    message = 'Loads checkpoint by local backend from path: x.pth'
    assert info_records(
        default_logger, lambda: default_logger.info(message)
    ) == [message]


def test_without_the_tools_request_the_init_report_shows(
    monkeypatch, default_logger
):
    monkeypatch.delenv(ENV, raising=False)
    quiet_if_asked()
    report = info_records(default_logger, Tiny().init_weights)
    assert len(report) == 2  # conv.weight and conv.bias
    assert report[0].startswith('\nconv.weight - torch.Size([2, 1, 1, 1]): ')
