"""tools/misc/zoo_model.py: a whole zoo config's model as a model base,
wrapped by a UDA leaf in one line."""

import runpy
import sys
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmseg.registry import MODELS

from mmseg_pfr.apis.zoo import load_any_config

ROOT = Path(__file__).resolve().parents[2]
ZOO = 'mmseg::sem_fpn/fpn_r50_4xb2-80k_cityscapes-512x1024.py'


def run(*args, monkeypatch, capsys):
    monkeypatch.setattr(sys, 'argv', ['zoo_model.py', *args])
    code = 0
    try:
        runpy.run_path(
            str(ROOT / 'tools/misc/zoo_model.py'), run_name='__main__'
        )
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr()


def test_the_written_base_wraps_in_one_line(tmp_path, monkeypatch, capsys):
    base = tmp_path / 'fpn_r50.py'
    code, out = run(
        ZOO, str(base), '--no-pretrained', monkeypatch=monkeypatch,
        capsys=capsys,
    )  # fmt: skip
    assert code == 0 and out.out == f'wrote {base}: the model of {ZOO}\n'
    assert 'pretrained' not in base.read_text()
    leaf = tmp_path / 'pfr-adv_fpn.py'
    leaf.write_text(
        f"_base_ = ['{base}', '{ROOT}/configs/_base_/uda/terms.py']\n"
        'model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)'
        '\n'
    )
    uda = revert_sync_batchnorm(MODELS.build(Config.fromfile(leaf).model))
    zoo = load_any_config(ZOO).model
    zoo.pretrained = None
    plain = MODELS.build(zoo)
    assert uda.segmentor.state_dict().keys() == plain.state_dict().keys()
    # The zoo leaf's own model settings came along (its crop size).
    assert uda.segmentor.data_preprocessor.size == (512, 1024)


@pytest.mark.parametrize(
    'config, out, message',
    [
        (
            'mmseg::sem_fpn/nothere.py',
            'x.py',
            'error: config mmseg::sem_fpn/nothere.py: file ',
        ),
        ('missing.py', 'x.py', 'error: config missing.py does not exist'),
        (ZOO, 'x.txt', 'error: x.txt: a config file must end in .py'),
    ],
)
def test_mistakes_are_one_line(config, out, message, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    code, captured = run(config, out, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and captured.err.startswith(message)
