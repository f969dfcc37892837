"""tools/test.py with the test-server fragments
(configs/_base_/datasets/{acdc,dark_zurich}_test_server.py) on a toy
19-class model: the archive of the test split's images, each PNG at its
image's original size, and no archive replaced unless asked."""

from pathlib import Path

import numpy as np
import pytest
from test_evaluation.server_layouts import (
    ACDC_TEST,
    DARK_ZURICH_TEST,
    SIZE,
    make_acdc,
    make_dark_zurich,
    names,
    open_png,
    png_header,
    read_archive,
)
from test_tools.test_infer_tool import write_model
from test_tools.test_train_tool import run_tool

FRAGMENTS = Path(__file__).resolve().parents[2] / 'configs/_base_/datasets'
# Serial loading: the fragments' 4 persistent workers are for real runs.
SERIAL = ('test_dataloader.num_workers=0',)
SERIAL += ('test_dataloader.persistent_workers=False',)


@pytest.fixture(scope='module')
def model(tmp_path_factory):
    """A toy UDA config of the 19 Cityscapes classes and its checkpoint."""
    return write_model(tmp_path_factory.mktemp('server'), 19, meta={})


def leaf(tmp_path: Path, config: str, server: str) -> str:
    """A leaf config as docs/test_servers.md writes it."""
    path = tmp_path / f'{server}_test_server_leaf.py'
    path.write_text(
        f"_base_ = ['{config}', '{FRAGMENTS}/{server}_test_server.py']\n"
        f'test_dataloader = _base_.{server}_test_server_dataloader\n'
        f'test_evaluator = _base_.{server}_test_server_evaluator\n'
    )
    return str(path)


def run_test_tool(
    tmp_path, model, server, *args, options=(), monkeypatch
) -> None:
    """tools/test.py LEAF CHECKPOINT ARGS, serial, with --cfg-options."""
    config, checkpoint = model
    run_tool(
        'test.py',
        leaf(tmp_path, config, server),
        checkpoint,
        '--work-dir',
        str(tmp_path / 'work'),
        *args,
        '--cfg-options',
        *SERIAL,
        *options,
        monkeypatch=monkeypatch,
    )


def test_acdc_archive_of_the_test_split(tmp_path, model, monkeypatch, capsys):
    monkeypatch.setenv('ACDC_ROOT', str(make_acdc(tmp_path / 'acdc')))
    out = f'test_evaluator.output_dir={tmp_path}/server'
    run_test_tool(
        tmp_path, model, 'acdc', options=[out], monkeypatch=monkeypatch
    )
    archive = read_archive(tmp_path / 'server.zip')
    # The four conditions' test images; no train, val or reference image.
    assert sorted(archive) == sorted(
        f'labelTrainIds/{n}' for n in names(ACDC_TEST)
    )
    for data in archive.values():
        # Predicted at 960x540, written at the image's own size.
        assert png_header(data) == (*SIZE, 8, 0)
        assert open_png(data).mode == 'L'
        assert np.asarray(open_png(data)).max() <= 18
    assert not (tmp_path / 'server').exists()

    earlier = (tmp_path / 'server.zip').read_bytes()
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        run_test_tool(
            tmp_path, model, 'acdc', options=[out], monkeypatch=monkeypatch
        )
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert exit_.value.code == 2
    assert line.startswith(f'error: {tmp_path}/server.zip exists: ')
    assert (tmp_path / 'server.zip').read_bytes() == earlier
    assert not (tmp_path / 'server').exists()  # nothing was predicted


def test_dark_zurich_archive_with_out(tmp_path, model, monkeypatch):
    root = make_dark_zurich(tmp_path / 'dark_zurich')
    monkeypatch.setenv('DARK_ZURICH_ROOT', str(root))
    out = tmp_path / 'preds'
    run_test_tool(
        tmp_path,
        model,
        'dark_zurich',
        '--out',
        str(out),
        monkeypatch=monkeypatch,
    )
    archive = read_archive(tmp_path / 'preds.zip')
    folders = ('confidence', 'labelTrainIds', 'labelTrainIds_invalid')
    expected = [f'{f}/{n}' for f in folders for n in names(DARK_ZURICH_TEST)]
    assert sorted(archive) == sorted(expected)
    for name, data in archive.items():
        depth = 16 if name.startswith('confidence/') else 8
        assert png_header(data) == (*SIZE, depth, 0)
        assert (out / name).read_bytes() == data  # --out keeps the PNGs
    for name in names(DARK_ZURICH_TEST):
        labels = archive[f'labelTrainIds/{name}']
        assert archive[f'labelTrainIds_invalid/{name}'] == labels
        confidence = np.asarray(open_png(archive[f'confidence/{name}']))
        assert open_png(archive[f'confidence/{name}']).mode == 'I;16'
        assert 65535 / 19 <= confidence.min() <= confidence.max() <= 65535
