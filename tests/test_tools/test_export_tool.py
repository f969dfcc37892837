"""tools/export_segmentor.py writes both files or neither, and a config of
only what inference reads."""

from pathlib import Path

import pytest
import torch
from helpers import tiny_segmentor_cfg
from mmengine.config import Config
from mmseg.registry import MODELS
from test_tools.test_infer_tool import write_model
from test_tools.test_train_tool import ROOT, run_tool

from mmseg_pfr.apis import segmentor_config

PAPER_CONFIG = (
    ROOT / 'configs/pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_'
    'gta2cityscapes-1280x720.py'
)


@pytest.fixture(scope='module')
def model_files(tmp_path_factory):
    return write_model(tmp_path_factory.mktemp('export'), meta={})


def export(*args: str, monkeypatch, capsys) -> str:
    """Run the tool expecting a one-line error; return it."""
    with pytest.raises(SystemExit) as exit_:
        run_tool('export_segmentor.py', *args, monkeypatch=monkeypatch)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count('\n') == 1, err
    return err


def bad_checkpoint(tmp_path: Path, kind: str) -> str:
    path = tmp_path / f'{kind}.pth'
    if kind == 'truncated':
        path.write_bytes(b'PK\x03\x04' + bytes(100))
    elif kind == 'plain':
        plain = MODELS.build(tiny_segmentor_cfg())
        torch.save(dict(state_dict=plain.state_dict()), path)
    else:  # another UDA model: 7 classes
        _, other = write_model(tmp_path, 7, meta={})
        return other
    return str(path)


@pytest.mark.parametrize(
    'kind, message',
    [
        ('truncated', 'is not a readable torch checkpoint: it ends early'),
        ('plain', "no 'segmentor.' weights in this checkpoint"),
        ('seven_classes', 'does not fit the model: 8 have another shape'),
    ],
)
def test_a_bad_checkpoint_writes_nothing(
    model_files, tmp_path, monkeypatch, capsys, kind, message
):
    checkpoint = bad_checkpoint(tmp_path, kind)
    out = tmp_path / 'out'
    err = export(
        model_files[0],
        checkpoint,
        str(out),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert err.startswith(f'error: {checkpoint}') and message in err
    assert not out.exists()


def test_a_missing_config_writes_nothing(
    model_files, tmp_path, monkeypatch, capsys
):
    out = tmp_path / 'out'
    missing = str(tmp_path / 'missing.py')
    err = export(
        missing,
        model_files[1],
        str(out),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert err == f'error: config {missing} does not exist\n'
    assert not out.exists()


def test_the_exported_config_holds_only_what_inference_reads():
    uda = Config.fromfile(str(PAPER_CONFIG))
    plain = segmentor_config(uda)
    assert set(plain) == {
        'default_scope',
        'custom_imports',
        'env_cfg',
        'model',
        'test_dataloader',
        'test_evaluator',
        'test_cfg',
        'tta_model',
        'visualizer',
        'log_processor',
        'log_level',
        'default_hooks',
    }
    assert plain.model == uda.model.segmentor
    assert plain.default_hooks == dict(
        visualization=uda.default_hooks.visualization
    )
    # Gone: the UDA knobs (pfr_adv.terms.adv ...), training data,
    # optimizers and schedules.
    for key in ('pfr_adv', 'train_dataloader', 'optim_wrapper', 'train_cfg'):
        assert key in uda and key not in plain
