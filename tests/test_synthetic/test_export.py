"""The synthetic set in the official GTA5 and Cityscapes layouts: names,
PNG modes, label ids, and the project's real-data loaders reading it."""

import runpy
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmseg.registry import DATASETS
from PIL import Image

import mmseg_pfr.synthetic  # noqa: F401  (until mmseg_pfr imports it)
from mmseg_pfr.datasets.conversion import convert_cityscapes
from mmseg_pfr.synthetic.domains import generate_sample
from mmseg_pfr.synthetic.export import export_official

ROOT = Path(__file__).resolve().parents[2]
SIZE = (32, 64)
# The documented train id -> Cityscapes label id mapping, written
# out here independently of the package's tables.
DOCUMENTED_LABEL_IDS = [
    7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33,
]  # fmt: skip


def documented_label_ids(train_ids: np.ndarray) -> np.ndarray:
    out = np.zeros_like(train_ids)  # ignore -> 0 'unlabeled'
    for train_id, label_id in enumerate(DOCUMENTED_LABEL_IDS):
        out[train_ids == train_id] = label_id
    return out


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('export')
    counts = export_official(
        str(tmp / 'out'),
        seed=1,
        num_source=3,
        num_target_train=2,
        num_target_val=2,
        size_source=SIZE,
        size_target=SIZE,
        cache_dir=str(tmp / 'cache'),
    )
    return tmp / 'out', counts


def test_gta_layout(exported):
    out, counts = exported
    assert counts['gta/images'] == 3
    names = ['00001.png', '00002.png', '00003.png']
    assert sorted(p.name for p in (out / 'gta/images').iterdir()) == names
    assert sorted(p.name for p in (out / 'gta/labels').iterdir()) == names
    for i, name in enumerate(names):
        image, train_ids = generate_sample('source', 'train', i, 1, SIZE)
        on_disk = cv2.imread(str(out / 'gta/images' / name))
        np.testing.assert_array_equal(on_disk[..., ::-1], image)
        label = Image.open(out / 'gta/labels' / name)
        assert label.mode == 'P'
        np.testing.assert_array_equal(
            np.array(label), documented_label_ids(train_ids)
        )
        # The palette shows each label id in its Cityscapes colour.
        palette = np.array(label.getpalette()).reshape(-1, 3)
        assert palette[26].tolist() == [0, 0, 142]  # car


def test_cityscapes_layout(exported):
    out, counts = exported
    cs = out / 'cityscapes'
    for split, city in (('train', 'synthtown'), ('val', 'synthville')):
        assert counts[f'cityscapes/leftImg8bit/{split}'] == 2
        for i in range(2):
            stem = f'{city}_{i:06d}_000019'
            image, train_ids = generate_sample('target', split, i, 1, SIZE)
            img_path = (
                cs / 'leftImg8bit' / split / city / f'{stem}_leftImg8bit.png'
            )
            on_disk = cv2.imread(str(img_path))
            np.testing.assert_array_equal(on_disk[..., ::-1], image)
            label = Image.open(
                cs / 'gtFine' / split / city / f'{stem}_gtFine_labelIds.png'
            )
            assert label.mode == 'L'
            ids = np.array(label)
            np.testing.assert_array_equal(ids, documented_label_ids(train_ids))
            assert 0 in ids  # the ego hood, ignored in train ids


def test_the_gta_loader_reads_it_back_to_train_ids(exported):
    out, _ = exported
    dataset = DATASETS.build(
        dict(
            type='GTADataset',
            data_root=str(out / 'gta'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadTrainIdAnnotations'),
                dict(type='PackSegInputs'),
            ],
        )
    )
    assert len(dataset) == 3
    for i in range(3):
        _, train_ids = generate_sample('source', 'train', i, 1, SIZE)
        got = dataset[i]['data_samples'].gt_sem_seg.data[0].numpy()
        np.testing.assert_array_equal(got, train_ids)


def test_cityscapes_converter_and_mmseg_read_it_back(exported):
    out, _ = exported
    report = convert_cityscapes(str(out / 'cityscapes'))
    assert not report.excluded
    dataset = DATASETS.build(
        dict(
            type='CityscapesDataset',
            data_root=str(out / 'cityscapes'),
            data_prefix=dict(
                img_path='leftImg8bit/val', seg_map_path='gtFine/val'
            ),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),
                dict(type='PackSegInputs'),
            ],
        )
    )
    assert len(dataset) == 2
    for i in range(2):
        _, train_ids = generate_sample('target', 'val', i, 1, SIZE)
        got = dataset[i]['data_samples'].gt_sem_seg.data[0].numpy()
        np.testing.assert_array_equal(got, train_ids)


def test_refuses_to_mix_with_existing_files(exported, tmp_path):
    out, _ = exported
    with pytest.raises(FileExistsError, match='fresh folder'):
        export_official(str(out), num_source=1, cache_dir=str(tmp_path))


def test_command_line(tmp_path, monkeypatch, capsys):
    preview = tmp_path / 'preview.png'
    argv = [
        'make_synthetic_dataset.py',
        str(tmp_path / 'out'),
        '--num-source', '4',
        '--num-target-train', '4',
        '--num-target-val', '1',
        '--size-source', '24', '48',
        '--size-target', '24', '48',
        '--cache-dir', str(tmp_path / 'cache'),
        '--measure-gap',
        '--preview', str(preview),
    ]  # fmt: skip
    monkeypatch.setattr(sys, 'argv', argv)
    script = ROOT / 'tools' / 'misc' / 'make_synthetic_dataset.py'
    runpy.run_path(str(script), run_name='__main__')
    printed = capsys.readouterr().out
    assert 'gta/images: 4 images' in printed
    assert 'cityscapes/leftImg8bit/val: 1 images' in printed
    assert '| pixels |' in printed and '| random_net |' in printed
    assert len(list((tmp_path / 'out/gta/labels').iterdir())) == 4
    mosaic = cv2.imread(str(preview))
    # 4 source and 4 target samples at their default sizes, with labels.
    assert mosaic.shape == (2 * 144 + 2 * 128 + 5 * 2, 4 * 256 + 5 * 2, 3)
