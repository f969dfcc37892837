"""Tiny ACDC and Dark Zurich folders in their official layouts, for tests.

The layouts are written here from the datasets' documentation (ACDC's
``rgb_anon/<condition>/<split>/<sequence>/`` and ``gt/...``; Dark Zurich's
``rgb_anon/<split>/<condition>/<sequence>/`` and ``gt/val/night/...``),
independently of the package, with the daytime reference folders the
archives also hold, which the datasets must not read.
"""

from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from test_datasets.dataset_layouts import (
    SIZE,
    id_pattern,
    write_gray_label,
    write_image,
)

# What the ACDC layout messages say is expected (the documented layout).
ACDC_EXPECTED = (
    'Expected the official ACDC layout: '
    'rgb_anon/<condition>/<split>/<sequence>/*_rgb_anon.png and '
    'gt/<condition>/<split>/<sequence>/*_gt_labelTrainIds.png (conditions '
    'fog, night, rain, snow; labels for train and val), from '
    'rgb_anon_trainvaltest.zip and gt_trainval.zip '
    '(https://acdc.vision.ee.ethz.ch/download)'
)
# Train ids in the fixture labels: classes and the ignore index.
TRAIN_IDS = (0, 1, 2, 8, 10, 13, 255)
ACDC_SEQUENCES = {
    'fog': 'GOPR0475',
    'night': 'GOPR0351',
    'rain': 'GOPR0400',
    'snow': 'GP010176',
}


def write_pair(
    image: Path, label_dir: Path, stem: str, seed: int, labels: bool
) -> None:
    """An image and, with ``labels``, its train-id label and the label-id
    file that ships beside it."""
    write_image(image, SIZE, seed=seed)
    if labels:
        train_ids = id_pattern(TRAIN_IDS, SIZE, seed)
        write_gray_label(label_dir / f'{stem}_gt_labelTrainIds.png', train_ids)
        write_gray_label(label_dir / f'{stem}_gt_labelIds.png', train_ids + 7)


def make_acdc(
    root: Path,
    conditions: Iterable[str] = tuple(ACDC_SEQUENCES),
    splits: Optional[Dict[str, int]] = None,
) -> Path:
    """ACDC's layout: ``splits`` maps a split to its images per condition
    (default train 2, val 2, test 1); train and val labelled; a reference
    image beside each split."""
    splits = splits or {'train': 2, 'val': 2, 'test': 1}
    for condition in conditions:
        sequence = ACDC_SEQUENCES[condition]
        for first, (split, count) in enumerate(splits.items()):
            images = root / 'rgb_anon' / condition / split / sequence
            labels = root / 'gt' / condition / split / sequence
            for k in range(count):
                stem = f'{sequence}_frame_{100 * first + k:06d}'
                write_pair(
                    images / f'{stem}_rgb_anon.png',
                    labels,
                    stem,
                    seed=k,
                    labels=split != 'test',
                )
            write_image(
                root / 'rgb_anon' / condition / f'{split}_ref' / sequence
                / f'{sequence}_frame_000000_rgb_ref_anon.png'
            )  # fmt: skip
    return root


# Dark Zurich's splits: (split, condition, sequence, images, labelled).
DARK_ZURICH: Tuple[Tuple[str, str, str, int, bool], ...] = (
    ('train', 'day', 'GOPR0348', 2, False),
    ('train', 'twilight', 'GOPR0349', 2, False),
    ('train', 'night', 'GOPR0347', 3, False),
    ('val', 'night', 'GOPR0356', 2, True),
    ('test', 'night', 'GOPR0364', 1, False),
)


def make_dark_zurich(root: Path) -> Path:
    """Dark Zurich's layout (:data:`DARK_ZURICH`), with the val and test
    splits' daytime references."""
    for split, condition, sequence, count, labelled in DARK_ZURICH:
        images = root / 'rgb_anon' / split / condition / sequence
        labels = root / 'gt' / split / condition / sequence
        for k in range(count):
            stem = f'{sequence}_frame_{k + 1:06d}'
            write_pair(
                images / f'{stem}_rgb_anon.png', labels, stem, k, labelled
            )
        if split != 'train':
            write_image(
                root / 'rgb_anon' / f'{split}_ref' / 'day'
                / f'{sequence}_ref' / f'{sequence}_frame_000001_ref_rgb_anon'
                '.png'
            )  # fmt: skip
    return root


def files(root: Path, pattern: str) -> List[str]:
    """The files below ``root`` matching ``pattern``, sorted, as strings."""
    return sorted(str(p) for p in root.glob(pattern))
