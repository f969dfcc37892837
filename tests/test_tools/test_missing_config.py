"""A config path that does not exist: one 'error:' line and exit 2 from
every tool that takes a config, before anything is built or loaded."""

import runpy
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / 'tools'
# Each tool with the arguments it needs besides its config.
TOOL_ARGS = {
    'train.py': [],
    'test.py': ['CHECKPOINT'],
    'misc/check_dataset.py': [],
    'analysis/benchmark_uda_step.py': [],
    'analysis/loss_balance.py': [],
    'analysis/domain_gap.py': ['CHECKPOINT'],
}


@pytest.mark.parametrize('tool', sorted(TOOL_ARGS))
def test_missing_config_is_one_line(tool, tmp_path, monkeypatch, capsys):
    checkpoint = tmp_path / 'iter_1.pth'
    checkpoint.write_bytes(b'')  # exists; never read
    missing = str(tmp_path / 'configs/no_such_config.py')
    extra = [
        str(checkpoint) if a == 'CHECKPOINT' else a for a in TOOL_ARGS[tool]
    ]
    monkeypatch.setattr(sys, 'argv', [tool, missing, *extra])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(TOOLS / tool), run_name='__main__')
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err == f'error: config {missing} does not exist\n'
