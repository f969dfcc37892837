"""tools/infer.py: every readable image predicted, bad files named and
skipped, id-map outputs, checkpoints without metadata, one-line errors."""

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from helpers import TOY_METAINFO, toy_training_config, uda_model_cfg
from mmengine.config import Config
from mmseg.apis import inference_model
from mmseg.registry import MODELS
from test_compat.test_checkpoint_fit import log_to_captured_stdout
from test_tools.test_train_tool import run_tool

from mmseg_pfr.apis.infer import load_model
from mmseg_pfr.datasets.label_maps import (
    CITYSCAPES_ID_TO_TRAIN_ID,
    CITYSCAPES_METAINFO,
)


def write_model(tmp_path: Path, num_classes: int = 4, meta=None) -> tuple:
    """A UDA config file and a checkpoint of its (random) model, saved as
    the runner saves it; ``meta=None`` saves a bare state dict."""
    cfg = Config(toy_training_config(str(tmp_path / 'work')))
    cfg.model = uda_model_cfg(num_classes=num_classes)
    cfg.test_pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='PackSegInputs'),
    ]
    config = tmp_path / f'uda{num_classes}.py'
    cfg.dump(str(config))
    torch.manual_seed(0)
    state = MODELS.build(cfg.model).state_dict()
    checkpoint = tmp_path / f'uda{num_classes}.pth'
    torch.save(
        state if meta is None else dict(state_dict=state, meta=meta),
        checkpoint,
    )
    return str(config), str(checkpoint)


@pytest.fixture(scope='module')
def model_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('infer')
    return write_model(tmp, meta=dict(dataset_meta=TOY_METAINFO, iter=8))


@pytest.fixture
def images(tmp_path) -> Path:
    """Three images, the first (in sorted order) damaged, one in a
    subfolder with the same name as another."""
    folder = tmp_path / 'images'
    (folder / 'sub').mkdir(parents=True)
    rng = np.random.default_rng(0)
    for path in (folder / 'b.png', folder / 'sub' / 'b.png'):
        cv2.imwrite(str(path), rng.integers(0, 255, (32, 48, 3), np.uint8))
    (folder / 'a.png').write_bytes(b'\x89PNG\r\n\x1a\n not really')
    return folder


def infer(*args: str, monkeypatch) -> int:
    with pytest.raises(SystemExit) as exit_:
        run_tool('infer.py', *args, monkeypatch=monkeypatch)
        raise SystemExit(0)
    return exit_.value.code


def test_a_damaged_image_is_named_and_the_others_are_predicted(
    model_files, images, tmp_path, monkeypatch, capsys
):
    out = tmp_path / 'out'
    status = infer(
        *model_files, str(images), '--out', str(out), monkeypatch=monkeypatch
    )
    printed = capsys.readouterr().out
    assert status == 1
    assert (
        f'skipped {images}/a.png: cannot be decoded as an image (damaged?)'
        in printed
    )
    assert printed.rstrip().endswith(
        f'predicted 2 of 3 images into {out} (color, overlay); skipped 1: '
        f'{images}/a.png'
    )
    assert sorted(str(p.relative_to(out)) for p in out.rglob('*')) == [
        'b_overlay.png',
        'b_pred.png',
        'sub',
        'sub/b_overlay.png',
        'sub/b_pred.png',
    ]  # no temporary files, nothing for a.png


def test_id_maps_hold_train_ids_and_cityscapes_label_ids(
    tmp_path, monkeypatch
):
    config, checkpoint = write_model(
        tmp_path, 19, meta=dict(dataset_meta=CITYSCAPES_METAINFO)
    )
    image = tmp_path / 'frame.png'
    rng = np.random.default_rng(1)
    cv2.imwrite(str(image), rng.integers(0, 255, (32, 48, 3), np.uint8))
    out = tmp_path / 'out'
    status = infer(
        config,
        checkpoint,
        str(image),
        '--out',
        str(out),
        '--format',
        'trainid',
        'labelid',
        monkeypatch=monkeypatch,
    )
    assert status == 0
    expected = inference_model(load_model(config, checkpoint), str(image))
    train_ids = cv2.imread(
        str(out / 'frame_trainid.png'), cv2.IMREAD_UNCHANGED
    )
    label_ids = cv2.imread(
        str(out / 'frame_labelid.png'), cv2.IMREAD_UNCHANGED
    )
    assert train_ids.shape == label_ids.shape == (32, 48)
    assert np.array_equal(train_ids, expected.pred_sem_seg.data[0].numpy())
    to_label = {t: i for i, t in CITYSCAPES_ID_TO_TRAIN_ID.items()}
    assert to_label[0] == 7 and to_label[18] == 33  # road, bicycle
    for train_id in np.unique(train_ids):
        assert set(np.unique(label_ids[train_ids == train_id])) == {
            to_label[train_id]
        }


def test_label_ids_need_a_cityscapes_model(
    model_files, images, tmp_path, monkeypatch, capsys
):
    status = infer(
        *model_files,
        str(images / 'b.png'),
        '--out',
        str(tmp_path / 'o'),
        '--format',
        'labelid',
        monkeypatch=monkeypatch,
    )
    assert status == 2
    assert capsys.readouterr().err == (
        'error: --format labelid needs a model of the 19 Cityscapes '
        'classes; this one predicts 4 (class0, class1, class2, ...): use '
        '--format trainid\n'
    )
    assert not (tmp_path / 'o').exists()


@pytest.mark.parametrize('meta', [None, dict(iter=8)])
def test_a_uda_checkpoint_without_dataset_meta(tmp_path, meta, capsys):
    # mmseg's init_model: AttributeError (no decode_head) without
    # meta.dataset_meta, KeyError 'meta' for a bare state dict.
    config, checkpoint = write_model(tmp_path, meta=meta)
    log_to_captured_stdout(f'infer-{meta}')
    model = load_model(config, checkpoint)
    assert model.dataset_meta['classes'] == TOY_METAINFO['classes']
    assert model.dataset_meta['palette'] == TOY_METAINFO['palette']
    assert (
        f'{checkpoint} holds no meta.dataset_meta: classes and palette of '
        "the config's test dataset (ToySegDataset)"
    ) in capsys.readouterr().out


def test_paths_that_do_not_exist_get_one_line(
    model_files, tmp_path, monkeypatch, capsys
):
    config, checkpoint = model_files
    missing = str(tmp_path / 'nowhere')
    for args, message in (
        ((config, checkpoint, missing), f'image or folder {missing}'),
        ((config, missing, str(tmp_path)), f'checkpoint {missing}'),
        ((missing, checkpoint, str(tmp_path)), f'config {missing}'),
    ):
        status = infer(*args, '--out', 'o', monkeypatch=monkeypatch)
        assert status == 2
        assert capsys.readouterr().err == f'error: {message} does not exist\n'


def test_a_checkpoint_that_does_not_fit_gets_one_line(
    model_files, images, tmp_path, monkeypatch, capsys
):
    config, _ = model_files
    _, other = write_model(tmp_path, 7, meta={})
    status = infer(
        config,
        other,
        str(images),
        '--out',
        str(tmp_path / 'o'),
        '--trust-checkpoint',
        other,
        monkeypatch=monkeypatch,
    )
    err = capsys.readouterr().err
    assert status == 2 and err.count('\n') == 1
    assert err.startswith(f'error: {other} does not fit the model: ')
    assert not (tmp_path / 'o').exists()
