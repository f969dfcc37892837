"""tools/misc/zoo_model.py: a whole zoo config's model as a model base,
wrapped by a UDA leaf in one line, fitted to the data it will train on
(mmseg's own config files from the installed package)."""

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
SEGNEXT = 'mmseg::segnext/segnext_mscan-t_1xb16-adamw-160k_ade20k-512x512.py'
ICNET = 'mmseg::icnet/icnet_r18-d8_4xb2-80k_cityscapes-832x832.py'
SYNTHETIC = str(ROOT / 'configs/_base_/datasets/uda_synthetic.py')
CROPPED = str(
    ROOT / 'configs/_base_/datasets/uda_gta_to_cityscapes_512x512.py'
)
NO_CROP = (
    'model.data_preprocessor.size: {} -> None (the training data has no '
    'fixed crop: each batch is padded to its largest image)'
)


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
    assert code == 0 and out.out.splitlines() == [
        "kept the zoo config's num_classes 19 and data_preprocessor.size "
        '(512, 1024): --data TRAIN_CONFIG (or --num-classes, --crop) fits '
        'them to your data',
        f'wrote {base}: the model of {ZOO}',
    ]
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


def written_model(path) -> dict:
    return Config.fromfile(str(path)).model


def test_an_ade20k_model_fitted_to_the_synthetic_data(
    tmp_path, monkeypatch, capsys
):
    base = tmp_path / 'segnext.py'
    code, out = run(
        SEGNEXT, str(base), '--no-pretrained', '--data', SYNTHETIC,
        monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert code == 0 and out.out.splitlines() == [
        'model.decode_head.num_classes: 150 -> 19',
        NO_CROP.format((512, 512)),
        f'wrote {base}: the model of {SEGNEXT}',
    ]
    model = written_model(base)
    assert model.decode_head.num_classes == 19
    assert model.data_preprocessor.size is None
    # The file says what was changed, above the model.
    assert '# model.decode_head.num_classes: 150 -> 19\n' in base.read_text()


def test_every_head_and_the_crop_of_a_cropping_training_config(
    tmp_path, monkeypatch, capsys
):
    base = tmp_path / 'icnet.py'
    code, out = run(
        ICNET, str(base), '--no-pretrained', '--data', CROPPED,
        '--num-classes', '7', monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert code == 0 and out.out.splitlines() == [
        'model.decode_head.num_classes: 19 -> 7',
        'model.auxiliary_head[0].num_classes: 19 -> 7',
        'model.auxiliary_head[1].num_classes: 19 -> 7',
        'model.data_preprocessor.size: (832, 832) -> (512, 512) (the '
        'training crop)',
        f'wrote {base}: the model of {ICNET}',
    ]
    assert written_model(base).data_preprocessor.size == (512, 512)


def test_slide_inference_pairs(tmp_path, monkeypatch, capsys):
    base = tmp_path / 'unet.py'
    code, out = run(
        'mmseg::_base_/models/fcn_unet_s5-d16.py', str(base), '--crop',
        '128', '256', '--num-classes', '2', monkeypatch=monkeypatch,
        capsys=capsys,
    )  # fmt: skip
    assert code == 0 and out.out.splitlines()[:2] == [
        'model.test_cfg.crop_size: 256 -> (256, 256) (slide inference '
        'unpacks an (h, w) pair)',
        'model.test_cfg.stride: 170 -> (170, 170) (slide inference unpacks '
        'an (h, w) pair)',
    ]
    model = written_model(base)
    assert model.test_cfg.stride == (170, 170)
    assert model.data_preprocessor.size == (128, 256)


@pytest.mark.parametrize(
    'args, message',
    [
        (
            ['mmseg::_base_/models/cgnet.py', '--num-classes', '7'],
            'error: model.decode_head.loss_decode.class_weight holds a weight '
            "per class of the zoo's 19; it cannot be kept for 7 classes: "
            'remove it from the zoo model, or give 7 weights',
        ),
        (
            [ZOO, '--data', str(ROOT / 'configs/_base_/default_runtime.py')],
            f'error: --data {ROOT}/configs/_base_/default_runtime.py: it has '
            'no train_dataloader.dataset; name the training config (or '
            'dataset base) the model is meant for',
        ),
        (
            [ZOO, '--num-classes', '0'],
            'error: --num-classes 0: give a count >= 1',
        ),
        (
            [ZOO, '--data', 'mmseg::nothere.py'],
            'error: --data mmseg::nothere.py: ',
        ),
    ],
)
def test_what_cannot_be_fitted_is_refused_in_one_line(
    args, message, tmp_path, monkeypatch, capsys
):
    out = tmp_path / 'model.py'
    code, captured = run(
        args[0], str(out), *args[1:], monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and captured.err.startswith(message)
    assert len(captured.err.splitlines()) == 1 and not out.exists()


def test_the_help_says_whole_sentences(monkeypatch, capsys):
    code, out = run('--help', monkeypatch=monkeypatch, capsys=capsys)
    description = out.out.split('\n\n')[1]
    assert code == 0 and description.endswith('in\none line.')
    assert '--data TRAIN_CONFIG' in out.out
