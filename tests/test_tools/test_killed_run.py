"""A tools/train.py run killed with SIGKILL, or left with a damaged latest
checkpoint, resumes with --resume from the last whole checkpoint and ends
with the uninterrupted run's weights."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
from test_compat.test_checkpoint_fit import log_to_captured_stdout
from test_tools.test_train_tool import (
    ROOT,
    run_tool,
    state,
    trained,  # noqa: F401  (a fixture)
    write_config,
)

# Run tools/train.py with os.replace pausing before it renames iter_4.pth
# into place: the moment a kill hurts most (the new checkpoint is on disk
# under its temporary name, the old ones may already be gone).
PAUSE_BEFORE_RENAME = """
import os, runpy, sys, time
rename = os.replace
def pausing(src, dst):
    if str(dst).endswith('iter_4.pth'):
        open(marker, 'w').close()
        time.sleep(600)
    rename(src, dst)
os.replace = pausing
config, marker = sys.argv[1:3]
sys.argv = ['tools/train.py', config]
runpy.run_path('tools/train.py', run_name='__main__')
"""


def assert_same_weights(a: str, b: str) -> None:
    expected, got = state(a)['state_dict'], state(b)['state_dict']
    assert expected.keys() == got.keys()
    for key, value in expected.items():
        assert torch.equal(value, got[key]), key


def kill_while_writing_iter_4(config: str, tmp_path: Path) -> None:
    marker = tmp_path / 'writing_iter_4'
    env = dict(os.environ, PYTHONPATH=str(ROOT / 'tests'))
    process = subprocess.Popen(
        [sys.executable, '-c', PAUSE_BEFORE_RENAME, config, str(marker)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, 'iter_4.pth was never written'
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def test_killed_while_writing_a_checkpoint_resumes_to_the_same_weights(
    request, tmp_path, monkeypatch, capsys
):
    whole = request.getfixturevalue('trained')  # test_train_tool's run
    config = write_config(tmp_path, 'killed')
    kill_while_writing_iter_4(config, tmp_path)
    work_dir = tmp_path / 'killed'
    # The kill left iter_2 whole and no iter_4 (only its temporary file).
    assert not (work_dir / 'iter_4.pth').exists()
    assert len(list(work_dir.glob('.iter_4.pth.*.tmp'))) == 1
    assert_same_weights(whole / 'iter_2.pth', work_dir / 'iter_2.pth')
    run_tool('train.py', config, '--resume', monkeypatch=monkeypatch)
    assert state(str(work_dir / 'iter_4.pth'))['meta']['iter'] == 4
    assert_same_weights(whole / 'iter_4.pth', work_dir / 'iter_4.pth')


def test_a_truncated_latest_checkpoint_falls_back_to_the_previous_one(
    request, tmp_path, monkeypatch, capsys
):
    whole = request.getfixturevalue('trained')  # test_train_tool's run
    # What a writer without a rename leaves when killed: half a file, named
    # by last_checkpoint.
    config = write_config(tmp_path, 'truncated')
    work_dir = tmp_path / 'truncated'
    work_dir.mkdir()
    for name in ('iter_2.pth', 'iter_4.pth'):
        (work_dir / name).write_bytes((whole / name).read_bytes())
    data = (work_dir / 'iter_4.pth').read_bytes()
    (work_dir / 'iter_4.pth').write_bytes(data[: len(data) // 2])
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_4.pth'))
    log_to_captured_stdout(tmp_path.name)
    run_tool('train.py', config, '--resume', monkeypatch=monkeypatch)
    out = capsys.readouterr().out
    assert (
        f'--resume: {work_dir}/iter_4.pth is not a readable torch '
        'checkpoint: it ends early (a save, copy or download that did not '
        'finish); resuming from the previous checkpoint, '
        f'{work_dir}/iter_2.pth, instead.'
    ) in out
    assert_same_weights(whole / 'iter_4.pth', work_dir / 'iter_4.pth')


def test_resume_without_a_checkpoint_starts_from_0_and_says_so(
    tmp_path, monkeypatch, capsys
):
    config = write_config(tmp_path, 'fresh', **{'train_cfg.max_iters': 1})
    log_to_captured_stdout(tmp_path.name)
    run_tool('train.py', config, '--resume', monkeypatch=monkeypatch)
    out = capsys.readouterr().out
    assert (
        f'--resume: no checkpoint found in {tmp_path}/fresh (no '
        'last_checkpoint, no iter_N.pth): training starts from iteration 0.'
    ) in out
    assert 'Auto resumed from the latest checkpoint None' not in out
    # The run ends by saying where its outputs are.
    work_dir = tmp_path / 'fresh'
    log = next(work_dir.glob('*/*.log'))
    assert out.endswith(
        f'Outputs of this run:\n  checkpoints:    {work_dir}\n'
        f'  log:            {log}\n'
        f'  scalars:        {log.parent}/vis_data/scalars.json\n'
    )
