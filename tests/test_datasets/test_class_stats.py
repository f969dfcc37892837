"""Class statistics for rare-class sampling: written by the GTA5 and SYNTHIA
converters, the synthetic generator and its export; counted as the loaders
see the labels; refused with the command to run when missing or stale."""

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from test_datasets.dataset_layouts import (
    DOCUMENTED_CITYSCAPES,
    DOCUMENTED_SYNTHIA,
    GTA_IDS,
    SIZE,
    SYNTHIA_IDS,
    add_gta_defects,
    id_pattern,
    make_cityscapes,
    make_gta,
    make_synthia,
    reference_train_ids,
    write_image,
    write_palette_label,
)
from test_datasets.tiny_configs import build_source_dataset

from mmseg_pfr.datasets import GTADataset, SynthiaDataset
from mmseg_pfr.datasets.class_stats import (
    CLASS_STATS_FILE,
    ClassStatsError,
    load_class_pixels,
)
from mmseg_pfr.datasets.conversion import convert_paired_dataset
from mmseg_pfr.synthetic import SyntheticStreetDataset
from mmseg_pfr.synthetic.cache import ensure_split, split_spec
from mmseg_pfr.synthetic.export import export_official

NUM_CLASSES = 19
FIX_GTA = 'Run `python tools/dataset_converters/gta.py gta` to write them'


def counts(train_ids: np.ndarray) -> list:
    """Pixels of each of the 19 classes, one comparison per class."""
    return [int((train_ids == c).sum()) for c in range(NUM_CLASSES)]


def read_stats(root: Path) -> dict:
    return json.loads((root / CLASS_STATS_FILE).read_text())


@pytest.fixture
def gta(tmp_path, monkeypatch):
    """A converted GTA5 folder at ./gta, defects included."""
    monkeypatch.chdir(tmp_path)
    root = make_gta(Path('gta'), n=3)
    add_gta_defects(root)
    convert_paired_dataset(GTADataset, 'gta')
    return root


def test_gta_converter_counts_what_the_loader_reads(gta):
    stats = read_stats(gta)
    assert stats['format'] == 1 and stats['num_classes'] == NUM_CLASSES
    assert stats['written_by'] == 'python tools/dataset_converters/gta.py gta'
    usable = ['00001', '00002', '00003', '00012', '00016']
    assert sorted(stats['samples']) == [f'images/{n}.png' for n in usable]
    assert stats['label_files'] == 5
    for name in usable:
        label, pixels = stats['samples'][f'images/{name}.png']
        assert label == f'labels/{name}.png'
        written = np.asarray(
            Image.open(gta / f'labels/{name}_labelTrainIds.png')
        )
        assert pixels == counts(written)  # resized, values outside ignored
    documented = reference_train_ids(
        id_pattern(GTA_IDS, SIZE, 1), DOCUMENTED_CITYSCAPES
    )
    assert stats['samples']['images/00001.png'][1] == counts(documented)


@pytest.mark.parametrize('encoding', ['ids', 'train_ids'])
def test_rows_follow_the_datasets_images(gta, encoding):
    dataset = build_source_dataset('GTADataset', gta, label_encoding=encoding)
    stats = read_stats(gta)['samples']
    rows = load_class_pixels(dataset)
    assert rows.shape == (len(dataset), NUM_CLASSES) == (5, NUM_CLASSES)
    for i in range(len(dataset)):
        name = Path(dataset.get_data_info(i)['img_path']).name
        assert rows[i].tolist() == stats[f'images/{name}'][1]


def test_rerun_writes_the_same_statistics(gta):
    before = (gta / CLASS_STATS_FILE).read_text()
    convert_paired_dataset(GTADataset, 'gta', nproc=2)
    assert (gta / CLASS_STATS_FILE).read_text() == before


def test_synthia_converter_writes_them(tmp_path):
    root = make_synthia(tmp_path / 'synthia', n=2)
    convert_paired_dataset(SynthiaDataset, str(root))
    stats = read_stats(root)['samples']
    for k in range(2):
        label, pixels = stats[f'RGB/{k:07d}.png']
        assert label == f'GT/LABELS/{k:07d}.png'
        documented = reference_train_ids(
            id_pattern(SYNTHIA_IDS, SIZE, k), DOCUMENTED_SYNTHIA
        )
        assert pixels == counts(documented)
    assert load_class_pixels(
        build_source_dataset('SynthiaDataset', root)
    ).shape == (
        2,
        NUM_CLASSES,
    )


def test_synthetic_generator_writes_them(tmp_path):
    spec = split_spec('source', 'train', num_samples=3, seed=1, size=(32, 64))
    folder = ensure_split(spec, str(tmp_path), workers=1)
    stats = read_stats(folder)
    assert stats['written_by'] == (
        'mmseg_pfr.synthetic.cache (the synthetic generator)'
    )
    for i in range(3):
        label, pixels = stats['samples'][f'img/{i:06d}.png']
        assert label == f'ann/{i:06d}.png'
        ann = cv2.imread(str(folder / label), cv2.IMREAD_UNCHANGED)
        assert pixels == counts(ann)
    dataset = SyntheticStreetDataset(
        num_samples=3, seed=1, img_size=(32, 64), cache_dir=str(tmp_path)
    )
    assert load_class_pixels(dataset).sum() == sum(
        sum(p) for _, p in stats['samples'].values()
    )
    # A split without them is incomplete: it is generated again.
    (folder / CLASS_STATS_FILE).unlink()
    with pytest.warns(UserWarning, match=f'no {CLASS_STATS_FILE}'):
        assert ensure_split(spec, str(tmp_path), workers=1) == folder
    assert read_stats(folder) == stats


def test_export_writes_what_the_gta_converter_writes(tmp_path):
    export_official(
        str(tmp_path / 'out'),
        seed=2,
        num_source=3,
        num_target_train=1,
        num_target_val=1,
        size_source=(32, 64),
        size_target=(32, 64),
        cache_dir=str(tmp_path / 'cache'),
    )
    root = tmp_path / 'out' / 'gta'
    exported = read_stats(root)
    assert load_class_pixels(
        build_source_dataset('GTADataset', root)
    ).shape == (
        3,
        NUM_CLASSES,
    )
    convert_paired_dataset(GTADataset, str(root))
    converted = read_stats(root)
    assert exported['samples'] == converted['samples']
    assert exported['fingerprint'] == converted['fingerprint']


def error_of(dataset) -> str:
    with pytest.raises(ClassStatsError) as info:
        load_class_pixels(dataset)
    return str(info.value)


def test_missing_statistics_name_the_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_gta(Path('gta'), n=2)
    assert error_of(build_source_dataset('GTADataset', Path('gta'))) == (
        "GTADataset (data_root 'gta'): rare-class sampling needs the class "
        'statistics gta/class_stats.json, which do not exist. '
        f'{FIX_GTA}.'
    )


def test_a_changed_label_makes_them_stale(gta):
    dataset = build_source_dataset('GTADataset', gta)
    label = gta / 'labels' / '00002.png'
    write_palette_label(label, id_pattern(GTA_IDS, SIZE, 5)[:, ::-1])
    assert error_of(dataset) == (
        "GTADataset (data_root 'gta'): the class statistics "
        'gta/class_stats.json are stale: its 5 label files changed since it '
        f'was written (their sizes differ). {FIX_GTA} again.'
    )


def test_a_removed_label_makes_them_stale(gta):
    # Reading the converted labels, the dataset does not need the original.
    dataset = build_source_dataset(
        'GTADataset', gta, label_encoding='train_ids'
    )
    (gta / 'labels' / '00003.png').unlink()
    assert error_of(dataset) == (
        "GTADataset (data_root 'gta'): the class statistics "
        'gta/class_stats.json are stale: 1 of the 5 label files it counted '
        f'do not exist (labels/00003.png). {FIX_GTA} again.'
    )


def test_a_new_image_makes_them_stale(gta):
    write_image(gta / 'images' / '00004.png', SIZE, seed=4)
    write_palette_label(gta / 'labels' / '00004.png', id_pattern(GTA_IDS))
    dataset = build_source_dataset('GTADataset', gta)
    assert error_of(dataset) == (
        "GTADataset (data_root 'gta'): the class statistics "
        "gta/class_stats.json are stale: 1 of the dataset's 6 images have no "
        f'statistics in it (images/00004.png). {FIX_GTA} again.'
    )


def test_another_class_count_makes_them_stale(gta):
    stats = read_stats(gta)
    stats['num_classes'] = 16
    (gta / CLASS_STATS_FILE).write_text(json.dumps(stats))
    assert error_of(build_source_dataset('GTADataset', gta)) == (
        "GTADataset (data_root 'gta'): the class statistics "
        'gta/class_stats.json are stale: it counts 16 classes, the dataset '
        f'has 19. {FIX_GTA} again.'
    )


def json_error(text: str) -> str:
    """What Python's json module says about ``text``."""
    try:
        json.loads(text)
    except ValueError as exc:
        return str(exc)
    raise AssertionError(f'{text!r} is valid JSON')


@pytest.mark.parametrize(
    'text, problem',
    [
        ('{"format": 1, "num', json_error('{"format": 1, "num')),
        ('[1, 2]', 'a JSON list, not an object'),
        ('{"format": 0}', 'format 0'),
        (
            '{"format": 1, "samples": {}}',
            'no num_classes, label_files, fingerprint',
        ),
    ],
)
def test_an_unreadable_file_is_named(gta, text, problem):
    (gta / CLASS_STATS_FILE).write_text(text)
    assert error_of(build_source_dataset('GTADataset', gta)) == (
        "GTADataset (data_root 'gta'): gta/class_stats.json is not a class "
        f'statistics file of format 1 ({problem}). {FIX_GTA}.'
    )


def test_cityscapes_as_a_source_names_its_converter(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_cityscapes(Path('cs'))
    dataset = build_source_dataset(
        'CityscapesDataset',
        Path('cs'),
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path='gtFine/train'
        ),
    )
    assert error_of(dataset) == (
        "CityscapesDataset (data_root 'cs'): rare-class sampling needs the "
        'class statistics cs/class_stats.json, which do not exist. Run '
        '`python tools/dataset_converters/cityscapes.py cs` to write them.'
    )


def test_a_dataset_without_a_writer_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_cityscapes(Path('cs'))
    dataset = build_source_dataset(
        'BaseSegDataset',
        Path('cs'),
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path='gtFine/train'
        ),
        img_suffix='_leftImg8bit.png',
        seg_map_suffix='_gtFine_labelTrainIds.png',
    )
    assert error_of(dataset) == (
        "BaseSegDataset (data_root 'cs'): rare-class sampling needs the "
        'class statistics cs/class_stats.json, which do not exist. No tool '
        'writes them for BaseSegDataset: the converters of GTA5, SYNTHIA '
        'and Cityscapes (tools/dataset_converters/) and the synthetic '
        'generator do; write them with '
        'mmseg_pfr.datasets.class_stats.write_class_stats.'
    )
