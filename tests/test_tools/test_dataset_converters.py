"""tools/dataset_converters: validation, fixes, exclusions, resumability."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mmseg.registry import DATASETS
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
    realdata,
    reference_train_ids,
    write_colour_label,
)

from mmseg_pfr.datasets.class_stats import load_class_pixels

TOOLS = Path(__file__).resolve().parents[2] / 'tools' / 'dataset_converters'

GTA_SUMMARY = """\
GTADataset labels in gta: 10 labels, 5 converted ({now} now, {done} already \
done), 5 excluded.
Fixed (2):
  gta/images/00012.png: size mismatch: label 24x14, image 24x16; label \
resized to the image (nearest)
  gta/images/00016.png: values outside the encoding: values 40, 200, 250 are \
not Cityscapes label ids 0-33; those values set to ignore (255)
Excluded (5), listed in gta/excluded.txt, which GTADataset skips:
  gta/images/00011.png: blank label: no pixel of the 19 classes
  gta/images/00013.png: image without label: gta/labels/00013.png does not \
exist
  gta/images/00014.png: unreadable label: gta/labels/00014.png: not an image \
file
  gta/images/00015.png: colour label: gta/labels/00015.png: an RGB image; \
expected Cityscapes label ids 0-33 in a single-channel or palette PNG, not a \
colour rendering
  gta/images/00017.png: unreadable image: image file is truncated
Class statistics of the 5 converted labels, for rare-class sampling: \
gta/class_stats.json"""

GTA_EXCLUDED = """\
# Images GTADataset skips, written by python tools/dataset_converters/gta.py \
gta
00011.png blank label: no pixel of the 19 classes
00013.png image without label: gta/labels/00013.png does not exist
00014.png unreadable label: gta/labels/00014.png: not an image file
00015.png colour label: gta/labels/00015.png: an RGB image; expected \
Cityscapes label ids 0-33 in a single-channel or palette PNG, not a colour \
rendering
00017.png unreadable image: image file is truncated
"""

USABLE = ('00001', '00002', '00003', '00012', '00016')


def run_tool(name, *args, monkeypatch, capsys):
    """Run a converter in this process; its exit status and printed text."""
    monkeypatch.setattr(sys, 'argv', [name, *args])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(TOOLS / name), run_name='__main__')
    out, err = capsys.readouterr()
    return info.value.code, out, err


def summary(out: str) -> str:
    """The summary, after the progress bar."""
    return out[out.index('GTADataset labels') :].strip()


def outputs(root: Path) -> dict:
    return {
        p.name: p.stat().st_mtime_ns
        for p in (root / 'labels').glob('*_labelTrainIds.png')
    }


@pytest.fixture
def gta(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = make_gta(tmp_path / 'gta', n=3)
    add_gta_defects(root)
    return root


def test_gta_converter_fixes_excludes_and_names_every_file(
    gta, monkeypatch, capsys
):
    code, out, _ = run_tool(
        'gta.py', 'gta', monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert summary(out) == GTA_SUMMARY.format(now=5, done=0)
    assert (gta / 'excluded.txt').read_text() == GTA_EXCLUDED
    assert sorted(outputs(gta)) == [f'{n}_labelTrainIds.png' for n in USABLE]
    for name in ('00001', '00003'):
        written = np.asarray(
            Image.open(gta / f'labels/{name}_labelTrainIds.png')
        )
        np.testing.assert_array_equal(
            written,
            reference_train_ids(
                id_pattern(GTA_IDS, SIZE, int(name)), DOCUMENTED_CITYSCAPES
            ),
        )
    fixed = np.asarray(Image.open(gta / 'labels/00012_labelTrainIds.png'))
    assert fixed.shape == (SIZE[1], SIZE[0])
    outside = np.asarray(Image.open(gta / 'labels/00016_labelTrainIds.png'))
    assert (outside[0, :3] == 255).all()


def test_gta_rerun_is_idempotent_and_resumes_an_interrupted_run(
    gta, monkeypatch, capsys
):
    run_tool('gta.py', 'gta', monkeypatch=monkeypatch, capsys=capsys)
    finished = outputs(gta)
    code, out, _ = run_tool(
        'gta.py', 'gta', monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert summary(out) == GTA_SUMMARY.format(now=0, done=5)
    assert outputs(gta) == finished  # finished files are not rewritten
    # An interruption: two outputs never renamed into place, one half
    # written under its temporary name.
    for name in ('00002', '00012'):
        (gta / f'labels/{name}_labelTrainIds.png').unlink()
    partial = gta / 'labels/00002_labelTrainIds.png.part'
    partial.write_bytes(b'\x89PNG half')
    code, out, _ = run_tool(
        'gta.py', 'gta', '--nproc', '2', monkeypatch=monkeypatch, capsys=capsys
    )
    assert summary(out) == GTA_SUMMARY.format(now=2, done=3)
    assert sorted(outputs(gta)) == sorted(finished)
    assert not partial.exists()
    assert all(
        outputs(gta)[n] == finished[n] for n in finished if '0001_' in n
    )
    assert (gta / 'excluded.txt').read_text() == GTA_EXCLUDED


def test_converter_that_cannot_run_exits_non_zero(tmp_path):
    # A real process: the exit status a shell sees.
    result = subprocess.run(
        [sys.executable, str(TOOLS / 'gta.py'), 'no_such_dir'],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != 'MMSEG_PFR_QUIET'},
    )
    assert result.returncode == 2
    # One line: the stack's known warnings are silenced (compat.quiet).
    assert result.stderr == (
        'error: GTADataset converter: no image folder at '
        f"'no_such_dir/images' (absolute path {tmp_path}/no_such_dir/"
        'images). Expected the official GTA5 layout: images/NNNNN.png with '
        'labels/NNNNN.png (Cityscapes label ids in palette PNGs).\n'
    )


def test_empty_image_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'synthia/RGB').mkdir(parents=True)
    (tmp_path / 'synthia/GT/LABELS').mkdir(parents=True)
    code, _, err = run_tool(
        'synthia.py', 'synthia', monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2
    assert err.strip() == (
        "error: SynthiaDataset converter: no images ending in '.png' in "
        "'synthia/RGB'. Expected the official SYNTHIA RAND-CITYSCAPES layout: "
        'RGB/NNNNNNN.png with GT/LABELS/NNNNNNN.png (16-bit, class id in the '
        'red channel).'
    )


def test_synthia_converter(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_synthia(tmp_path / 'synthia', n=2)
    code, out, _ = run_tool(
        'synthia.py', 'synthia', monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert out.strip().endswith(
        'SynthiaDataset labels in synthia: 2 labels, 2 converted (2 now, 0 '
        'already done), 0 excluded.\nClass statistics of the 2 converted '
        'labels, for rare-class sampling: synthia/class_stats.json'
    )
    for k in range(2):
        written = Image.open(
            tmp_path / f'synthia/GT/LABELS/{k:07d}_labelTrainIds.png'
        )
        np.testing.assert_array_equal(
            np.asarray(written),
            reference_train_ids(
                id_pattern(SYNTHIA_IDS, SIZE, k), DOCUMENTED_SYNTHIA
            ),
        )
    assert (tmp_path / 'synthia/excluded.txt').read_text().count('\n') == 1


def test_cityscapes_converter_without_polygons(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    root = make_cityscapes(tmp_path / 'cs', train_ids=False)
    colour = (
        root
        / 'gtFine/val/frankfurt/frankfurt_000001_000019_gtFine_labelIds.png'
    )
    write_colour_label(colour, id_pattern(GTA_IDS))
    code, out, _ = run_tool(
        'cityscapes.py', 'cs', monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert out[out.index('Cityscapes labels') :].strip() == (
        'Cityscapes labels in cs: 6 labels, 5 converted (5 now, 0 already '
        'done), 1 not converted.\n'
        'Not converted (1):\n'
        f'  {colour.relative_to(tmp_path)}: colour label: '
        f'{colour.relative_to(tmp_path)}: an RGB image; expected Cityscapes '
        'label ids 0-33 in a single-channel or palette PNG, not a colour '
        'rendering\n'
        'Class statistics of the 4 converted train labels, for rare-class '
        'sampling: cs/class_stats.json'
    )
    written = sorted(
        p.name for p in root.glob('gtFine/*/*/*_labelTrainIds.png')
    )
    assert len(written) == 5
    assert not (root / 'excluded.txt').exists()


def test_cityscapes_statistics_drive_rare_class_sampling(
    tmp_path, monkeypatch, capsys
):
    """Cityscapes as the labelled source (-> ACDC, -> Dark Zurich): the
    converter's statistics of its train labels are what rare-class
    sampling reads for mmseg's CityscapesDataset."""
    root = make_cityscapes(tmp_path / 'cs', train_ids=False)
    code, _, _ = run_tool(
        'cityscapes.py', str(root), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    dataset = DATASETS.build(dict(
        type='CityscapesDataset', data_root=str(root),
        data_prefix=dict(img_path='leftImg8bit/train',
                         seg_map_path='gtFine/train'),
    ))  # fmt: skip
    pixels = load_class_pixels(dataset)
    assert pixels.shape == (4, 19)
    for i in range(4):
        path = dataset.get_data_info(i)['seg_map_path']
        label = np.asarray(Image.open(path))
        expected = np.bincount(label[label < 19], minlength=19)
        np.testing.assert_array_equal(pixels[i], expected)


def test_cityscapes_converter_maps_every_pixel_of_the_real_labels(
    tmp_path, monkeypatch, capsys
):
    gt = tmp_path / 'gtFine/train/aachen'
    gt.mkdir(parents=True)
    for k in range(4):
        name = f'aachen_{k:06d}_000019_gtFine_labelIds.png'
        (gt / name).symlink_to(
            realdata(f'cityscapes/gtFine/train/aachen/{name}')
        )
    code, out, _ = run_tool(
        'cityscapes.py', str(tmp_path), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert '4 labels, 4 converted (4 now' in out
    for k in range(4):
        stem = gt / f'aachen_{k:06d}_000019_gtFine'
        ids = np.asarray(Image.open(f'{stem}_labelIds.png'))
        written = np.asarray(Image.open(f'{stem}_labelTrainIds.png'))
        assert written.shape == (1024, 2048)
        np.testing.assert_array_equal(
            written, reference_train_ids(ids, DOCUMENTED_CITYSCAPES)
        )


def test_cityscapes_converter_without_labels_says_where_they_come_from(
    tmp_path, monkeypatch, capsys
):
    (tmp_path / 'gtFine/train/aachen').mkdir(parents=True)
    code, _, err = run_tool(
        'cityscapes.py', str(tmp_path), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2
    assert err.strip() == (
        'error: Cityscapes converter: no *_gtFine_labelIds.png in '
        f"'{tmp_path}/gtFine/{{train,val}}/<city>'. Expected the official "
        'Cityscapes layout: gtFine/{train,val}/<city>/*_gtFine_labelIds.png, '
        'from gtFine_trainvaltest.zip.'
    )


def test_cityscapes_converter_asks_for_the_label_ids_it_reads(
    tmp_path, monkeypatch, capsys
):
    # Not for *_gtFine_labelTrainIds.png, which it writes.
    code, _, err = run_tool(
        'cityscapes.py', str(tmp_path), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2
    assert err.strip() == (
        f"error: Cityscapes converter: no label folder at '{tmp_path}/gtFine' "
        f'(absolute path {tmp_path}/gtFine). Expected the official '
        'Cityscapes layout: gtFine/{train,val}/<city>/*_gtFine_labelIds.png, '
        'from gtFine_trainvaltest.zip.'
    )


def test_gta_converter_excludes_an_image_of_one_colour(
    tmp_path, monkeypatch, capsys
):
    # A black frame from a failed render or copy; its label is fine.
    monkeypatch.chdir(tmp_path)
    root = make_gta(tmp_path / 'gta', n=3)
    w, h = SIZE
    Image.new('RGB', (w, h)).save(root / 'images/00002.png')
    for _ in range(2):  # a rerun decodes it again and excludes it again
        code, out, _ = run_tool(
            'gta.py', 'gta', monkeypatch=monkeypatch, capsys=capsys
        )
        assert code == 0
        assert summary(out).splitlines()[1:] == [
            'Excluded (1), listed in gta/excluded.txt, which GTADataset '
            'skips:',
            '  gta/images/00002.png: blank image: one colour: every pixel '
            'is (0, 0, 0)',
            'Class statistics of the 2 converted labels, for rare-class '
            'sampling: gta/class_stats.json',
        ]
    assert (root / 'excluded.txt').read_text().splitlines()[1:] == [
        '00002.png blank image: one colour: every pixel is (0, 0, 0)'
    ]
    assert sorted(outputs(root)) == [
        '00001_labelTrainIds.png',
        '00003_labelTrainIds.png',
    ]
