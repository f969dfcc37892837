"""compat.config_format: a config's text formatted by yapf once."""

import copy
from pathlib import Path

import mmengine.config.config as mmengine_config
import pytest
from mmengine.config import Config

from mmseg_pfr.compat.config_format import load_config_file

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / 'configs/demo/pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'


@pytest.fixture
def yapf_calls(monkeypatch):
    """Counts mmengine's calls of yapf's FormatCode."""
    calls = []
    format_code = mmengine_config.FormatCode

    def counting(*args, **kwargs):
        calls.append(1)
        return format_code(*args, **kwargs)

    monkeypatch.setattr(mmengine_config, 'FormatCode', counting)
    return calls


def test_mmengine_formats_at_every_read(yapf_calls):
    # Why the module exists; format_python_code=False is dropped, too.
    cfg = Config.fromfile(str(DEMO), format_python_code=False)
    for _ in range(3):
        cfg.pretty_text
    assert len(yapf_calls) == 3


def test_same_config_and_text_formatted_once(yapf_calls):
    plain = Config.fromfile(str(DEMO))
    formatted = plain.pretty_text
    cfg = load_config_file(str(DEMO))
    assert cfg.to_dict() == plain.to_dict()
    assert cfg.filename == plain.filename
    assert cfg.pretty_text == formatted
    # The runner deep-copies its config and reads the copy's text.
    runner_copy = copy.deepcopy(cfg)
    assert runner_copy.pretty_text == formatted
    assert len(yapf_calls) == 2  # the plain config's and ours


def test_changed_content_is_formatted_again(yapf_calls):
    cfg = load_config_file(str(DEMO))
    cfg.pretty_text
    cfg.merge_from_dict({'train_cfg.max_iters': 7})
    assert 'max_iters=7' in cfg.pretty_text
    cfg.work_dir = 'elsewhere'
    assert "work_dir = 'elsewhere'" in cfg.pretty_text
    assert len(yapf_calls) == 3
