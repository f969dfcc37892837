"""tools/train.py on mistakes a user makes: one ``error:`` line naming the
config key or the fix, exit status 2, before any iteration; --max-iters."""

import json
import runpy
import sys
from pathlib import Path

import pytest
import torch
from helpers import toy_training_config, uda_model_cfg
from mmengine.config import Config

from mmseg_pfr.apis.zoo import load_any_config
from mmseg_pfr.compat.mmcv_ops import has_compiled_mmcv

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


def assert_one_line(code_and_line, expected: str) -> None:
    code, line = code_and_line
    assert (code, line) == (2, expected)


def test_a_term_name_typo_lists_the_terms(tmp_path, monkeypatch, capsys):
    config = write_config(tmp_path, 'term')
    assert_one_line(
        train(
            config,
            '--cfg-options',
            'model.terms.pfrr.weight=0.01',
            monkeypatch=monkeypatch,
            capsys=capsys,
        ),  # fmt: skip
        'error: model.terms.pfrr is not a term of this config (its terms: '
        'adv, pfr); did you mean pfr? A new term needs its type, e.g. '
        "terms=dict(pfr=dict(type='PFRTerm'))",
    )


def test_a_recipe_name_typo_names_the_closest(tmp_path, monkeypatch, capsys):
    leaf = tmp_path / 'leaf.py'
    leaf.write_text(
        f"_base_ = ['{ROOT}/configs/_base_/uda/terms.py']\n"
        'model = dict(_base_.pfr_advv, _delete_=True, segmentor=dict())\n'
    )
    assert_one_line(
        train(str(leaf), monkeypatch=monkeypatch, capsys=capsys),
        f'error: {leaf}, line 2: _base_.pfr_advv is not defined by its '
        'bases; the closest names: pfr_adv',
    )


def test_a_leaf_merged_into_the_segmentor(tmp_path, monkeypatch, capsys):
    model = uda_model_cfg()
    # No _delete_: the leaf's keys merged into the zoo segmentor's dict.
    merged = dict(model.segmentor, **model)
    config = write_config(tmp_path, 'merged', merged)
    code, line = train(config, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and line.startswith(
        "error: UDASegmentor got the segmentor keys ['backbone', "
        "'decode_head', 'test_cfg']: the leaf config's model was merged "
        "into the base's segmentor dict. Wrap the segmentor instead"
    )


@pytest.mark.parametrize(
    'base, op',
    [
        ('ccnet_r50-d8.py', 'CrissCrossAttention'),
        ('psanet_r50-d8.py', 'PSAMask'),
    ],
)
def test_a_model_needing_compiled_ops_names_the_op_and_the_install(
    base, op, tmp_path, monkeypatch, capsys
):
    if has_compiled_mmcv():
        pytest.skip('a compiled mmcv is installed: these models build')
    model = uda_model_cfg()
    zoo = load_any_config(f'mmseg::_base_/models/{base}').model
    model.segmentor = dict(zoo, pretrained=None)
    config = write_config(tmp_path, 'ops', model)
    code, line = train(config, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and line.startswith(
        f"error: mmcv.ops.{op} needs mmcv's compiled operators, which this "
        'install (mmcv-lite) does not have;'
    )
    assert "pip install 'mmcv>=2.0.0,<2.2.0'" in line


def test_a_head_for_another_datasets_classes(tmp_path, monkeypatch, capsys):
    model = uda_model_cfg()
    model.segmentor.decode_head.num_classes = 150
    config = write_config(tmp_path, 'classes', model)
    assert_one_line(
        train(config, monkeypatch=monkeypatch, capsys=capsys),
        'error: model.segmentor.decode_head.num_classes is 150, but the '
        'training data has 4 classes: set num_classes=4',
    )
    assert not (tmp_path / 'classes' / 'iter_2.pth').exists()


def test_a_test_cfg_validation_cannot_use(tmp_path, monkeypatch, capsys):
    model = uda_model_cfg()
    model.segmentor.test_cfg = dict(mode='slide', crop_size=256, stride=170)
    config = write_config(tmp_path, 'slide', model)
    assert_one_line(
        train(config, monkeypatch=monkeypatch, capsys=capsys),
        'error: model.segmentor.test_cfg.crop_size is 256: slide inference '
        'needs an (h, w) pair: set crop_size=(256, 256)',
    )


@pytest.mark.parametrize(
    'option, message',
    [
        (
            'model.segmentor.decode_headd.num_classes=3',
            'error: EncoderDecoder does not take the config key '
            "'decode_headd': a typo, or a setting of another version or of "
            'another type than EncoderDecoder',
        ),
        (
            'model.segmentor.neck.num_outs=3',
            "error: a config dict has no type: {'num_outs': 3}. Either a key "
            'set with --cfg-options names something the config does not '
            'have (a typo), or a dict(...) written inside dict(_base_.<x>, '
            "...) replaced the base's dict of that key instead of merging "
            'into it (write dict(_base_.<x>.<key>, name=value) there)',
        ),
    ],
)
def test_keys_no_module_takes(option, message, tmp_path, monkeypatch, capsys):
    config = write_config(tmp_path, 'keys')
    assert_one_line(
        train(
            config,
            '--cfg-options',
            option,
            monkeypatch=monkeypatch,
            capsys=capsys,
        ),  # fmt: skip
        message,
    )


def test_a_preprocessor_padding_the_crops(tmp_path, monkeypatch, capsys):
    model = uda_model_cfg()
    model.segmentor.data_preprocessor.size = (256, 256)
    config = write_config(tmp_path, 'padding', model)
    assert_one_line(
        train(config, monkeypatch=monkeypatch, capsys=capsys),
        'error: model.segmentor.data_preprocessor.size is (256, 256), but '
        'the training crops are 32x48 (source), 32x48 (target): padding '
        '32x48 to (256, 256) makes each batch 42.7x its area, the padding '
        'ignored by the loss and computed on: set size=(32, 48)',
    )
    assert not list((tmp_path / 'padding').glob('*.pth'))


def test_a_condition_acdc_does_not_have(tmp_path, monkeypatch, capsys):
    config = write_config(
        tmp_path, 'condition',
        val_dataloader=dict(dataset=dict(
            _delete_=True, type='ACDCDataset', split='val',
            conditions=('night', 'foggy'), data_root=str(tmp_path),
        )),
    )  # fmt: skip
    assert_one_line(
        train(config, monkeypatch=monkeypatch, capsys=capsys),
        "error: ACDCDataset: the val split has the conditions 'fog', "
        "'night', 'rain', 'snow'; got 'night', 'foggy'",
    )
