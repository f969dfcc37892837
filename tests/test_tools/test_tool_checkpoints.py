"""tools/test.py and load_from refuse checkpoints that do not fit (one
line, exit 2), accept the documented exceptions, and say where outputs
went."""

import pytest
import torch
from helpers import tiny_segmentor_cfg
from mmengine.config import Config
from mmengine.runner import Runner
from mmseg.registry import MODELS
from test_compat.test_checkpoint_fit import log_to_captured_stdout
from test_tools.test_infer_tool import write_model
from test_tools.test_train_tool import run_tool, write_config

from mmseg_pfr.apis import apply_cli
from mmseg_pfr.compat.checkpoint_fit import CheckpointMismatchError


def one_line_error(tool: str, *args: str, monkeypatch, capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        run_tool(tool, *args, monkeypatch=monkeypatch)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count('\n') == 1, err
    return err


def test_test_tool_refuses_a_checkpoint_of_another_model(
    tmp_path, monkeypatch, capsys
):
    _, other = write_model(tmp_path, 7, meta={})
    config = write_config(tmp_path, 'seven')
    err = one_line_error(
        'test.py',
        config,
        other,
        '--work-dir',
        str(tmp_path / 'w'),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert err.startswith(f'error: {other} does not fit the model: ')
    assert not list((tmp_path / 'w').glob('*/*.json'))  # no metrics


def test_test_tool_and_missing_checkpoints(tmp_path, monkeypatch, capsys):
    config = write_config(tmp_path, 'missing')
    missing = str(tmp_path / 'iter_9.pth')
    for tool, args in (('test.py', ()), ('train.py', ('--resume',))):
        args = (
            (config, missing)
            if tool == 'test.py'
            else (config, *args, missing)
        )
        err = one_line_error(
            tool, *args, monkeypatch=monkeypatch, capsys=capsys
        )
        assert err == f'error: checkpoint {missing} does not exist\n'


def test_test_tool_lists_its_outputs(tmp_path, monkeypatch, capsys):
    _, checkpoint = write_model(tmp_path, meta={})
    config = write_config(tmp_path, 'listed')
    log_to_captured_stdout('listed')
    run_tool(
        'test.py',
        config,
        checkpoint,
        '--out',
        str(tmp_path / 'preds'),
        monkeypatch=monkeypatch,
    )
    out = capsys.readouterr().out
    log = next((tmp_path / 'listed').glob('*/*.log'))
    metrics = log.with_suffix('.json')
    assert metrics.exists()
    assert (
        f'Outputs of this run:\n  log:            {log}\n'
        f'  metrics:        {metrics}\n'
        f'  predictions:    {tmp_path}/preds\n'
    ) in out


def runner_loading(tmp_path, checkpoint: str) -> Runner:
    """A runner of the toy UDA config whose load_from is ``checkpoint``,
    set up as tools/train.py sets it up, weights loaded."""
    cfg = Config.fromfile(write_config(tmp_path, 'load_from'))
    cfg.load_from = checkpoint
    runner = Runner.from_cfg(apply_cli(cfg, 'load_from.py'))
    runner.load_or_resume()
    return runner


def test_load_from_a_plain_mmseg_segmentor_starts_the_uda_model(tmp_path):
    torch.manual_seed(1)
    plain = MODELS.build(tiny_segmentor_cfg())
    path = str(tmp_path / 'mmseg.pth')
    torch.save(dict(state_dict=plain.state_dict(), meta={}), path)
    model = runner_loading(tmp_path, path).model
    for key, value in plain.state_dict().items():
        assert torch.equal(model.state_dict()[f'segmentor.{key}'], value)


def test_load_from_a_checkpoint_that_does_not_fit_is_refused(tmp_path):
    _, other = write_model(tmp_path, 7, meta={})
    with pytest.raises(CheckpointMismatchError, match='9 have another shape'):
        runner_loading(tmp_path, other)
