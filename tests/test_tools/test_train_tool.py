"""tools/train.py and tools/test.py on a UDA config: logs, checkpoints,
bit-exact resume, safe checkpoint loading and evaluation of UDA checkpoints."""

import json
import os
import os.path as osp
import runpy
import sys
from pathlib import Path

import pytest
import torch
from helpers import toy_training_config
from mmengine.config import Config

from mmseg_pfr.compat.checkpoint import TRUST_ENV

ROOT = Path(__file__).resolve().parents[2]


def run_tool(tool: str, *args: str, monkeypatch) -> None:
    """Run tools/<tool> in this process, as its command line would."""
    monkeypatch.setattr(sys, 'argv', [tool, *args])
    runpy.run_path(str(ROOT / 'tools' / tool), run_name='__main__')


def write_config(tmp_path: Path, name: str, **overrides) -> str:
    cfg = Config(toy_training_config(str(tmp_path / name)))
    cfg.merge_from_dict(dict(experiment_name=name, **overrides))
    path = str(tmp_path / f'{name}.py')
    cfg.dump(path)
    return path


def state(path: str) -> dict:
    return torch.load(path, map_location='cpu', weights_only=False)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """One uninterrupted 4-iteration run (checkpoints at 2 and 4)."""
    tmp = tmp_path_factory.mktemp('train')
    mp = pytest.MonkeyPatch()
    try:
        run_tool('train.py', write_config(tmp, 'full'), monkeypatch=mp)
    finally:
        mp.undo()
    return tmp / 'full'


def test_checkpoint_holds_both_models_optimizers_and_schedulers(trained):
    ckpt = state(str(trained / 'iter_4.pth'))
    prefixes = {k.split('.')[0] for k in ckpt['state_dict']}
    assert prefixes == {'segmentor', 'adv'}
    assert set(ckpt['optimizer']) == {'segmentor', 'adv'}
    assert ckpt['optimizer']['segmentor']['param_groups'][0]['momentum'] == 0.9
    assert 'betas' in ckpt['optimizer']['adv']['param_groups'][0]
    assert set(ckpt['param_schedulers']) == {'segmentor', 'adv'}
    assert ckpt['meta']['iter'] == 4


def test_every_iteration_logs_the_uda_terms_and_both_rates(trained):
    scalars = next(trained.glob('*/vis_data/scalars.json'))
    lines = [json.loads(line) for line in scalars.read_text().splitlines()]
    lines = [line for line in lines if 'iter' in line]  # not the val line
    assert [line['iter'] for line in lines] == [1, 2, 3, 4]
    expected = {
        'loss',
        'decode.loss_ce',
        'decode.acc_seg',
        'adv.loss_adv',
        'pfr.loss_style',
        'pfr.loss_content',
        'adv.disc.loss',
        'adv.disc.loss_src',
        'adv.disc.loss_tgt',
        'adv.disc.acc_src',
        'adv.disc.acc_tgt',
        'segmentor.lr',
        'adv.lr',
    }
    for line in lines:
        assert expected <= set(line)
        assert set(line) - expected <= {
            'iter',
            'step',
            'time',
            'data_time',
            'segmentor.base_lr',
        }
    # Per-child poly schedules, each from its own optimizer's rate.
    assert lines[0]['segmentor.lr'] == pytest.approx(1e-3)
    assert lines[0]['adv.lr'] == pytest.approx(1e-4)
    assert lines[-1]['segmentor.lr'] < lines[0]['segmentor.lr']


def test_resume_reproduces_the_uninterrupted_run_bit_for_bit(
    trained, tmp_path, monkeypatch
):
    config = write_config(tmp_path, 'resumed')
    run_tool(
        'train.py',
        config,
        '--resume',
        str(trained / 'iter_2.pth'),
        monkeypatch=monkeypatch,
    )
    full = state(str(trained / 'iter_4.pth'))
    resumed = state(str(tmp_path / 'resumed' / 'iter_4.pth'))
    assert resumed['meta']['iter'] == 4
    for key, value in full['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    for child in ('segmentor', 'adv'):
        a, b = full['optimizer'][child], resumed['optimizer'][child]
        for idx, param_state in a['state'].items():
            for name, tensor in param_state.items():
                assert torch.equal(tensor, b['state'][idx][name])


def test_test_tool_evaluates_a_uda_checkpoint(trained, tmp_path, monkeypatch):
    config = write_config(tmp_path, 'evaluate')
    run_tool(
        'test.py',
        config,
        str(trained / 'iter_4.pth'),
        '--work-dir',
        str(tmp_path / 'eval'),
        monkeypatch=monkeypatch,
    )
    result = next((tmp_path / 'eval').glob('*/*.json'))
    metrics = json.loads(result.read_text())
    assert 0 <= metrics['mIoU'] <= 100


class RunsCode:
    """A pickle payload that creates a file when unpickled."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def test_a_checkpoint_that_would_run_code_is_refused(
    trained, tmp_path, monkeypatch, capsys
):
    marker = tmp_path / 'code_ran'
    ckpt = state(str(trained / 'iter_4.pth'))
    ckpt['meta']['payload'] = RunsCode(str(marker))
    evil = str(tmp_path / 'evil.pth')
    torch.save(ckpt, evil)
    config = write_config(tmp_path, 'refuse')
    monkeypatch.delenv(TRUST_ENV, raising=False)
    with pytest.raises(SystemExit) as error:
        run_tool('test.py', config, evil, monkeypatch=monkeypatch)
    assert error.value.code == 2
    message = capsys.readouterr().err
    assert message.startswith('error: ') and message.count('\n') == 1
    assert f'Refusing to load {evil}' in message
    assert '(io.open)' in message and '--trust-checkpoint' in message
    assert not marker.exists()
    # The documented opt-in loads it, and with it runs its code.
    run_tool(
        'test.py',
        config,
        evil,
        '--trust-checkpoint',
        evil,
        '--work-dir',
        str(tmp_path / 'trusted'),
        monkeypatch=monkeypatch,
    )
    assert marker.exists()
    assert osp.realpath(evil) in os.environ[TRUST_ENV]


def test_export_tool_writes_a_plain_mmseg_model(
    trained, tmp_path, monkeypatch
):
    config = write_config(tmp_path, 'export')
    run_tool(
        'export_segmentor.py',
        config,
        str(trained / 'iter_4.pth'),
        str(tmp_path / 'out'),
        monkeypatch=monkeypatch,
    )
    plain_cfg = Config.fromfile(str(tmp_path / 'out' / 'export_segmentor.py'))
    assert plain_cfg.model.type == 'EncoderDecoder'
    weights = state(str(tmp_path / 'out' / 'export_segmentor.pth'))
    uda = state(str(trained / 'iter_4.pth'))['state_dict']
    assert set(weights['state_dict']) == {
        k[len('segmentor.') :] for k in uda if k.startswith('segmentor.')
    }
    assert weights['meta']['iter'] == 4
