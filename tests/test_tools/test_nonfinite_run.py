"""A tools/train.py run whose loss diverges stops before the update with
one message naming the term, the iteration and the last good checkpoint,
and writes nothing poisoned."""

import pytest
import torch
from test_tools.test_train_tool import run_tool, state, write_config


def test_a_diverged_loss_stops_the_run_naming_term_iteration_checkpoint(
    tmp_path, monkeypatch, capsys
):
    # Checkpoints every 2 iterations; the PFR weight turns infinite before the
    # 4th iteration (0-based 3).
    config = write_config(
        tmp_path, 'diverged', custom_hooks=[dict(type='PoisonLossHook', at=3)]
    )
    with pytest.raises(SystemExit) as stopped:
        run_tool('train.py', config, monkeypatch=monkeypatch)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    work_dir = tmp_path / 'diverged'
    assert err.startswith('error: non-finite loss at iteration 4,')
    assert 'segmentor update: pfr.loss_style = inf' in err
    assert f'the last good checkpoint is {work_dir / "iter_2.pth"}' in err
    assert 'Traceback' not in err
    # Nothing after the last good update reached the disk, and what did is
    # finite.
    assert sorted(p.name for p in work_dir.glob('*.pth')) == ['iter_2.pth']
    weights = state(str(work_dir / 'iter_2.pth'))['state_dict']
    assert all(torch.isfinite(v).all() for v in weights.values())
