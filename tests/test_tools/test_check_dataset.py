"""tools/misc/check_dataset.py: every problem of a config's data, reported
without training."""

import runpy
import sys
from pathlib import Path

import pytest
from PIL import Image
from test_datasets.adverse_layouts import (
    ACDC_EXPECTED,
    make_acdc,
    make_dark_zurich,
)
from test_datasets.dataset_layouts import (
    GTA_IDS,
    SIZE,
    add_gta_defects,
    id_pattern,
    make_cityscapes,
    make_gta,
    write_colour_label,
    write_gray_label,
    write_truncated,
)

from mmseg_pfr.datasets import GTADataset
from mmseg_pfr.datasets.conversion import convert_paired_dataset

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / 'tools' / 'misc' / 'check_dataset.py'
UDA_GTA = ROOT / 'configs' / '_base_' / 'datasets' / 'uda_gta_to_cityscapes.py'
VAL_GT = (
    'cs/gtFine/val/frankfurt/frankfurt_{:06d}_000019_gtFine_labelTrainIds.png'
)
VAL_IMG = (
    'cs/leftImg8bit/val/frankfurt/frankfurt_{:06d}_000019_leftImg8bit.png'
)


def write_config(tmp_path: Path, target_extra: str = '') -> str:
    """The GTA5 -> Cityscapes config, pointed at gta/ and cs/."""
    config = tmp_path / 'config.py'
    config.write_text(
        f'_base_ = [{str(UDA_GTA)!r}]\n'
        'train_dataloader = dict(dataset=dict(\n'
        "    source=dict(data_root='gta'),\n"
        f"    target=dict(data_root='cs'{target_extra})))\n"
        "val_dataloader = dict(dataset=dict(data_root='cs'))\n"
        'test_dataloader = val_dataloader\n'
    )
    return str(config)


def check(config: str, monkeypatch, capsys, *args):
    """Run the tool in this process: exit status and report."""
    monkeypatch.setattr(sys, 'argv', ['check_dataset.py', config, *args])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(TOOL), run_name='__main__')
    out = capsys.readouterr().out
    return info.value.code, out[out.index('train source') :].strip()


def test_clean_data_passes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_gta(tmp_path / 'gta')
    make_cityscapes(tmp_path / 'cs')
    code, report = check(write_config(tmp_path), monkeypatch, capsys)
    assert report == (
        "train source: GTADataset (data_root 'gta'), 3 samples: no problems\n"
        "train target: CityscapesDataset (data_root 'cs'), 4 samples: no "
        'problems\n'
        "val: CityscapesDataset (data_root 'cs'), 2 samples: no problems\n"
        '0 errors, 0 warnings.'
    )
    assert code == 0


def test_a_config_without_target_images_checks_none(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    make_gta(tmp_path / 'gta')
    make_cityscapes(tmp_path / 'cs')
    config = tmp_path / 'source_only.py'
    config.write_text(
        f'_base_ = [{write_config(tmp_path)!r}]\n'
        'train_dataloader = dict(dataset=dict(target=None))\n'
    )
    code, report = check(str(config), monkeypatch, capsys)
    assert report == (
        "train source: GTADataset (data_root 'gta'), 3 samples: no problems\n"
        "val: CityscapesDataset (data_root 'cs'), 2 samples: no problems\n"
        '0 errors, 0 warnings.'
    )
    assert code == 0


def test_every_problem_is_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    add_gta_defects(make_gta(tmp_path / 'gta'))
    make_cityscapes(tmp_path / 'cs')
    make_cityscapes(
        tmp_path / 'cs', splits={'val': ('frankfurt',)}, per_city=3
    )
    # Target: a truncated download. Val: a colour label, train ids out of
    # range, a label never converted.
    write_truncated(
        tmp_path / 'cs/leftImg8bit/train/bochum/bochum_000001_000019_'
        'leftImg8bit.png'
    )
    write_colour_label(tmp_path / VAL_GT.format(0), id_pattern(GTA_IDS))
    write_gray_label(tmp_path / VAL_GT.format(1), id_pattern((0, 19, 77)))
    (tmp_path / VAL_GT.format(2)).unlink()
    config = write_config(tmp_path, ', metainfo=dict(classes=("road",))')
    code, report = check(config, monkeypatch, capsys, '--nproc', '2')
    colour = (
        'an RGB image; expected {} in a single-channel or palette PNG, not '
        'a colour rendering'
    )
    assert report.splitlines() == [
        "train source: GTADataset (data_root 'gta'), 10 samples",
        "  error: GTADataset (data_root 'gta'): 1 of 10 images have no label "
        'file: gta/labels/00013.png. Download the missing labels, or run '
        '`python tools/dataset_converters/gta.py gta`, which lists images '
        'without labels in excluded.txt so that they are skipped.',
        '  warning: gta/images/00011.png: blank label: no pixel of the 19 '
        'classes',
        '  warning: gta/images/00012.png: size mismatch: label 24x14, image '
        '24x16; label resized to the image (nearest) at load time',
        '  error: gta/images/00014.png: unreadable label: '
        'gta/labels/00014.png: not an image file',
        '  error: gta/images/00015.png: colour label: gta/labels/00015.png: '
        + colour.format('Cityscapes label ids 0-33'),
        '  warning: gta/images/00016.png: values outside the encoding: values '
        '40, 200, 250 are not Cityscapes label ids 0-33; those values set to '
        'ignore (255) at load time',
        '  error: gta/images/00017.png: unreadable image: image file is '
        'truncated',
        "train target: CityscapesDataset (data_root 'cs'), 4 samples",
        '  error: cs/leftImg8bit/train/bochum/bochum_000001_000019_'
        'leftImg8bit.png: unreadable image: image file is truncated',
        "val: CityscapesDataset (data_root 'cs'), 3 samples",
        "  error: CityscapesDataset (data_root 'cs'): 1 of 3 images have no "
        f'label file: {VAL_GT.format(2)}. Run `python tools/'
        'dataset_converters/cityscapes.py cs` to write them.',
        f'  error: {VAL_IMG.format(0)}: colour label: {VAL_GT.format(0)}: '
        + colour.format('train ids 0-18 and 255 (ignore)'),
        f'  error: {VAL_IMG.format(1)}: values outside the encoding: values '
        '19, 77 are not train ids 0-18 and 255 (ignore)',
        'train: UDADataset pairing',
        '  error: UDADataset: source and target must agree on classes, '
        'palette and ignore index, but the source (GTADataset) has 19 '
        'classes and the target (CityscapesDataset) has 1; only the source '
        "has 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic "
        "light', 'traffic sign', 'vegetation', 'terrain', 'sky', 'person', "
        "'rider', 'car', 'truck', 'bus', 'train', 'motorcycle', 'bicycle'",
        '9 errors, 3 warnings.',
    ]
    assert code == 1


def test_labels_never_converted_are_one_line_naming_the_converter(
    tmp_path, monkeypatch, capsys
):
    # Cityscapes as downloaded: *_labelIds.png only; and a GTA5 set whose
    # label archive was only partly unpacked.
    monkeypatch.chdir(tmp_path)
    make_gta(tmp_path / 'gta', n=8)
    for k in range(1, 7):
        (tmp_path / f'gta/labels/{k:05d}.png').unlink()
    make_cityscapes(
        tmp_path / 'cs',
        splits={'train': ('aachen',), 'val': ('frankfurt',)},
        per_city=7,
        train_ids=False,
    )
    code, report = check(write_config(tmp_path), monkeypatch, capsys)
    named = ', '.join(VAL_GT.format(k) for k in range(5))
    assert report.splitlines() == [
        "train source: GTADataset (data_root 'gta'), 8 samples",
        "  error: GTADataset (data_root 'gta'): 6 of 8 images have no label "
        'file: gta/labels/00001.png, gta/labels/00002.png, gta/labels/00003'
        '.png, gta/labels/00004.png, gta/labels/00005.png and 1 more. '
        'Download the missing labels, or run `python tools/'
        'dataset_converters/gta.py gta`, which lists images without labels '
        'in excluded.txt so that they are skipped.',
        # The target's labels are never read: its images are checked alone.
        "train target: CityscapesDataset (data_root 'cs'), 7 samples: no "
        'problems',
        "val: CityscapesDataset (data_root 'cs'), 7 samples",
        "  error: CityscapesDataset (data_root 'cs'): 7 of 7 images have no "
        f'label file: {named} and 2 more. Run `python tools/'
        'dataset_converters/cityscapes.py cs` to write them.',
        '2 errors, 0 warnings.',
    ]
    assert code == 1


def test_wrong_roots_and_target_labels(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    target_extra = (
        ", pipeline=[dict(type='LoadImageFromFile'), "
        "dict(type='LoadAnnotations'), dict(type='PackSegInputs')]"
    )
    code, report = check(
        write_config(tmp_path, target_extra), monkeypatch, capsys
    )
    abs_root = tmp_path
    assert report.splitlines() == [
        "train source: GTADataset (data_root 'gta')",
        "  error: GTADataset (data_root 'gta'): no image folder at "
        f"'gta/images' (absolute path {abs_root}/gta/images). Expected the "
        'official GTA5 layout: images/NNNNN.png with labels/NNNNN.png '
        '(Cityscapes label ids in palette PNGs).',
        "train target: CityscapesDataset (data_root 'cs')",
        '  error: UDADataset: the target pipeline loads labels, but target '
        'labels are never used for training (the target domain is '
        'unlabelled); remove LoadAnnotations/LoadTrainIdAnnotations from the '
        'target pipeline',
        "  error: CityscapesDataset (data_root 'cs'): no image folder at "
        f"'cs/leftImg8bit/train' (absolute path {abs_root}/cs/leftImg8bit/"
        'train). Expected the official Cityscapes layout: '
        'leftImg8bit/<split>/<city>/*_leftImg8bit.png and '
        'gtFine/<split>/<city>/*_gtFine_labelTrainIds.png.',
        "val: CityscapesDataset (data_root 'cs')",
        "  error: CityscapesDataset (data_root 'cs'): no image folder at "
        f"'cs/leftImg8bit/val' (absolute path {abs_root}/cs/leftImg8bit/"
        'val). Expected the official Cityscapes layout: '
        'leftImg8bit/<split>/<city>/*_leftImg8bit.png and '
        'gtFine/<split>/<city>/*_gtFine_labelTrainIds.png.',
        '4 errors, 0 warnings.',
    ]
    assert code == 1


def test_cfg_options_override_the_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_gta(tmp_path / 'gta5')
    make_cityscapes(tmp_path / 'cs')
    code, report = check(
        write_config(tmp_path),
        monkeypatch,
        capsys,
        '--cfg-options',
        'train_dataloader.dataset.source.data_root=gta5',
    )
    assert code == 0
    assert report.startswith(
        "train source: GTADataset (data_root 'gta5'), 3 samples: no problems"
    )


def test_every_pair_excluded_by_the_converter(tmp_path, monkeypatch, capsys):
    # The PNGs are there; the converter listed each in excluded.txt.
    monkeypatch.chdir(tmp_path)
    make_gta(tmp_path / 'gta', n=2)
    make_cityscapes(tmp_path / 'cs')
    for k in (1, 2):
        Image.new('RGB', SIZE).save(tmp_path / f'gta/images/0000{k}.png')
    assert convert_paired_dataset(GTADataset, 'gta').excluded
    code, report = check(write_config(tmp_path), monkeypatch, capsys)
    assert report.splitlines()[:2] == [
        "train source: GTADataset (data_root 'gta')",
        "  error: GTADataset (data_root 'gta'): all 2 images in 'gta/images' "
        'are listed in gta/excluded.txt, which it skips (the reason for each '
        'is on its line). Replace the files named there and run '
        '`python tools/dataset_converters/gta.py gta` again.',
    ]
    assert code == 1


def test_image_of_one_colour_is_an_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_gta(tmp_path / 'gta')
    make_cityscapes(tmp_path / 'cs')
    black = 'cs/leftImg8bit/train/aachen/aachen_000001_000019_leftImg8bit.png'
    Image.new('RGB', SIZE).save(tmp_path / black)
    code, report = check(write_config(tmp_path), monkeypatch, capsys)
    assert report.splitlines()[1:3] == [
        "train target: CityscapesDataset (data_root 'cs'), 4 samples",
        f'  error: {black}: blank image: one colour: every pixel is (0, 0, 0)',
    ]
    assert code == 1


UDA_ACDC = ROOT / 'configs/_base_/datasets/uda_cityscapes_to_acdc.py'
UDA_DZ = ROOT / 'configs/_base_/datasets/uda_cityscapes_to_darkzurich.py'
ACDC_LABELS = (
    'ACDCDataset reads the *_gt_labelTrainIds.png of gt_trainval.zip '
    '(https://acdc.vision.ee.ethz.ch/download), which come beside its '
    '*_gt_labelIds.png (Cityscapes label ids, not read): unpack it into '
    "'acdc'."
)


def adverse_config(tmp_path: Path, base: Path, root: str) -> str:
    """A Cityscapes -> ACDC or Dark Zurich config, pointed at cs/ and
    ``root``."""
    config = tmp_path / 'adverse.py'
    config.write_text(
        f'_base_ = [{str(base)!r}]\n'
        'train_dataloader = dict(dataset=dict(\n'
        "    source=dict(data_root='cs'),\n"
        f'    target=dict(data_root={root!r})))\n'
        f'val_dataloader = dict(dataset=dict(data_root={root!r}))\n'
        f'test_dataloader = dict(dataset=dict(data_root={root!r}))\n'
    )
    return str(config)


@pytest.mark.parametrize(
    'base, root, make, target, val',
    [
        (UDA_ACDC, 'acdc', make_acdc, 'ACDCDataset', 8),
        (UDA_DZ, 'dz', make_dark_zurich, 'DarkZurichConditionDataset', 2),
    ],
)
def test_adverse_targets_in_their_layouts_pass(
    tmp_path, monkeypatch, capsys, base, root, make, target, val
):
    monkeypatch.chdir(tmp_path)
    make_cityscapes(tmp_path / 'cs')
    make(tmp_path / root)
    config = adverse_config(tmp_path, base, root)
    code, report = check(config, monkeypatch, capsys)
    # ACDC's train images of all four conditions; Dark Zurich's train/night.
    train = 8 if root == 'acdc' else 3
    assert report.splitlines() == [
        "train source: CityscapesDataset (data_root 'cs'), 4 samples: no "
        'problems',
        f"train target: {target} (data_root '{root}'), {train} samples: no "
        'problems',
        f"val: {target} (data_root '{root}'), {val} samples: no problems",
        '0 errors, 0 warnings.',
    ]
    assert code == 0


def test_acdc_mistakes_are_one_line_each(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_cityscapes(tmp_path / 'cs')
    acdc = make_acdc(tmp_path / 'acdc')
    # A condition of the train split not unpacked; in val an image lost
    # (its label remains) and a label lost (its image remains).
    for path in sorted((acdc / 'rgb_anon/snow/train').rglob('*')):
        if path.is_file():
            path.unlink()
    gone = 'rgb_anon/fog/val/GOPR0475/GOPR0475_frame_000101_rgb_anon.png'
    (acdc / gone).unlink()
    unlabelled = 'GOPR0351_frame_000100_gt_labelTrainIds.png'
    (acdc / 'gt/night/val/GOPR0351' / unlabelled).unlink()
    config = adverse_config(tmp_path, UDA_ACDC, 'acdc')
    code, report = check(config, monkeypatch, capsys)
    assert report.splitlines() == [
        "train source: CityscapesDataset (data_root 'cs'), 4 samples: no "
        'problems',
        "train target: ACDCDataset (data_root 'acdc')",
        "  error: ACDCDataset (data_root 'acdc'): no train images of "
        "'snow': nothing ending in '_rgb_anon.png' below "
        f"'acdc/rgb_anon/snow/train'. {ACDC_EXPECTED}; conditions=(...) "
        'reads fewer conditions.',
        "val: ACDCDataset (data_root 'acdc'), 7 samples",
        "  error: ACDCDataset (data_root 'acdc'): 1 label files have no "
        'image: acdc/gt/fog/val/GOPR0475/GOPR0475_frame_000101_gt_'
        'labelTrainIds.png. Without their images the evaluation leaves them '
        f"out and its scores are not the split's. {ACDC_EXPECTED}.",
        "  error: ACDCDataset (data_root 'acdc'): 1 of 7 images have no "
        f'label file: acdc/gt/night/val/GOPR0351/{unlabelled}. ' + ACDC_LABELS,
        '3 errors, 0 warnings.',
    ]
    assert code == 1


def test_unconverted_acdc_labels_are_one_line(tmp_path, monkeypatch, capsys):
    # Label ids only (a copy without the train-id files): one line, not 8.
    monkeypatch.chdir(tmp_path)
    make_cityscapes(tmp_path / 'cs')
    acdc = make_acdc(tmp_path / 'acdc')
    for path in (acdc / 'gt').glob('*/val/*/*_gt_labelTrainIds.png'):
        path.unlink()
    config = adverse_config(tmp_path, UDA_ACDC, 'acdc')
    code, report = check(config, monkeypatch, capsys)
    # The first five of the 8 by path: fog's 2, night's 2, rain's first.
    first = [
        ('fog', 'GOPR0475', 100), ('fog', 'GOPR0475', 101),
        ('night', 'GOPR0351', 100), ('night', 'GOPR0351', 101),
        ('rain', 'GOPR0400', 100),
    ]  # fmt: skip
    named = ', '.join(
        f'acdc/gt/{condition}/val/{sequence}/{sequence}_frame_{k:06d}_gt_'
        'labelTrainIds.png'
        for condition, sequence, k in first
    )
    assert report.splitlines()[2:] == [
        "val: ACDCDataset (data_root 'acdc'), 8 samples",
        "  error: ACDCDataset (data_root 'acdc'): 8 of 8 images have no "
        f'label file: {named} and 3 more. {ACDC_LABELS}',
        '1 error, 0 warnings.',
    ]
    assert code == 1


def test_dark_zurich_at_a_wrong_root(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_cityscapes(tmp_path / 'cs')
    make_dark_zurich(tmp_path / 'dark_zurich')
    config = adverse_config(tmp_path, UDA_DZ, 'dz')
    code, report = check(config, monkeypatch, capsys)
    error = (
        "  error: DarkZurichConditionDataset (data_root 'dz'): no image "
        f"folder at 'dz/rgb_anon' (absolute path {tmp_path}/dz/rgb_anon). "
        'Expected the official Dark Zurich layout: '
        'rgb_anon/<split>/<condition>/<sequence>/*_rgb_anon.png (train: day, '
        'twilight, night; val and test: night) and '
        'gt/val/night/<sequence>/*_gt_labelTrainIds.png, from '
        'Dark_Zurich_train_anon.zip and Dark_Zurich_val_anon.zip '
        '(https://www.trace.ethz.ch/publications/2019/GCMA_UIoU/).'
    )
    assert report.splitlines()[1:] == [
        "train target: DarkZurichConditionDataset (data_root 'dz')",
        error,
        "val: DarkZurichConditionDataset (data_root 'dz')",
        error,
        '2 errors, 0 warnings.',
    ]
    assert code == 1
