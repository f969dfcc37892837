"""tools/train.py on mistakes a user makes: one ``error:`` line naming the
config key or the fix, exit status 2, before any iteration; --max-iters."""

import json
import runpy
import sys
from pathlib import Path

import torch
from helpers import toy_training_config, uda_model_cfg
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]


def write_config(tmp_path: Path, name: str, model=None, **overrides) -> str:
    cfg = Config(toy_training_config(str(tmp_path / name)))
    if model is not None:
        cfg.model = model
    cfg.merge_from_dict(dict(experiment_name=name, **overrides))
    path = str(tmp_path / f'{name}.py')
    cfg.dump(path)
    return path


def train(*args: str, monkeypatch, capsys):
    """tools/train.py in this process: its exit status and last stderr
    line (0 and '' when it finished)."""
    monkeypatch.setattr(sys, 'argv', ['train.py', *args])
    capsys.readouterr()
    try:
        runpy.run_path(str(ROOT / 'tools/train.py'), run_name='__main__')
    except SystemExit as exit_:
        err = capsys.readouterr().err.strip().splitlines()
        return exit_.code, err[-1] if err else ''
    return 0, ''


def test_a_head_for_other_channels_stops_before_training(
    tmp_path, monkeypatch, capsys
):
    model = uda_model_cfg()
    model.segmentor.decode_head.in_channels = 60
    config = write_config(tmp_path, 'channels', model)
    code, line = train(config, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert line == (
        'error: model.segmentor.decode_head.in_channels is 60, but its '
        'input (in_index=3) has 64 channels: set in_channels=64'
    )
    assert not list((tmp_path / 'channels').glob('*.pth'))


def test_an_unknown_type_names_the_closest(tmp_path, monkeypatch, capsys):
    model = uda_model_cfg()
    model.terms.pfr.type = 'PFRTem'
    config = write_config(tmp_path, 'typo', model)
    code, line = train(config, monkeypatch=monkeypatch, capsys=capsys)
    assert (code, line) == (
        2,
        "error: type='PFRTem' is not in the mmseg::model registry; the "
        'closest registered names: PFRTerm, PFRNeck',
    )


def test_amp_without_cuda(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    config = write_config(tmp_path, 'amp')
    code, line = train(
        config, '--amp', 'bf16', monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and line.startswith('error: --amp bf16 needs a CUDA GPU')


def test_auto_resume_in_another_configs_work_dir(
    tmp_path, monkeypatch, capsys
):
    first = write_config(tmp_path, 'first', train_cfg=dict(max_iters=2))
    assert train(first, monkeypatch=monkeypatch, capsys=capsys) == (0, '')
    second = write_config(tmp_path, 'second')
    code, line = train(
        second, '--work-dir', str(tmp_path / 'first'), '--resume',
        monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert code == 2
    assert line == (
        f'error: --resume: {tmp_path}/first was written by config '
        'first.py, not second.py; resume that run with its config, or '
        'train this one in another folder (--work-dir)'
    )


def test_max_iters_shortens_the_run_and_every_schedule(
    tmp_path, monkeypatch, capsys
):
    config = write_config(
        tmp_path, 'short', default_hooks=dict(logger=dict(interval=50))
    )  # a 4-iteration config whose poly runs over 100 iterations
    assert train(
        config, '--max-iters', '3', monkeypatch=monkeypatch, capsys=capsys
    ) == (0, '')
    work = tmp_path / 'short'
    assert (work / 'last_checkpoint').read_text().endswith('iter_3.pth')
    scalars = next(work.glob('*/vis_data/scalars.json')).read_text()
    lines = [json.loads(x) for x in scalars.splitlines() if 'iter' in x]
    # Logged although the config's interval (50) exceeds the run; the
    # poly(0.9) that ran over 100 iterations has ended by iteration 3.
    assert [x['iter'] for x in lines] == [3]
    assert lines[0]['segmentor.lr'] == 0.0
    ckpt = torch.load(work / 'iter_3.pth', weights_only=False)
    (poly,) = ckpt['param_schedulers']['segmentor']
    assert (poly['begin'], poly['end']) == (0, 3)
