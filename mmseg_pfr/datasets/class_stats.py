"""Per-image class pixel counts of a source dataset, for rare-class
sampling.

DAFormer's converters write ``sample_class_stats.json`` and
``samples_with_class.json`` (the pixels of each train id in each label);
ours write one file, :data:`CLASS_STATS_FILE`, in the dataset's
``data_root``, beside the label folder and ``excluded.txt``::

    {"format": 1, "num_classes": 19,
     "written_by": "python tools/dataset_converters/gta.py data/gta",
     "label_files": 24964, "fingerprint": "3f0c...",
     "samples": {"images/00001.png": ["labels/00001.png", [n_0, ..., n_18]],
                 ...}}

Keys are image paths relative to ``data_root`` (the same whatever
``label_encoding`` a dataset reads), values the label the counts come from
and its pixels per train id, at the image's size (a label a few pixels off
is counted after resizing, as the loaders resize it); ignored pixels are
not counted. GTA5's and SYNTHIA's converters, and the synthetic generator,
write it.

Reading it checks that it is fresh, so that sampling never follows the
statistics of other labels: every image of the dataset must be in it, and
the label files it counted must still have the sizes they had (their
number and a fingerprint of their names and sizes, a cheap check that one
``stat`` per file pays; a label rewritten to the same size is not seen).
A missing or stale file raises :class:`ClassStatsError`, naming the file
and the command that writes it.
"""

import hashlib
import json
import os
import os.path as osp
from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np
from mmseg.datasets import BaseSegDataset

from .label_io import write_text_atomic
from .layout import MAX_NAMED, DatasetLayoutError, layout_of

CLASS_STATS_FILE = 'class_stats.json'
FORMAT = 1
_KEYS = ('num_classes', 'label_files', 'fingerprint', 'samples')


class ClassStatsError(DatasetLayoutError):
    """A dataset's class statistics are missing, unreadable or stale."""


@dataclass(frozen=True)
class SampleClassPixels:
    """One image's entry of the statistics.

    Attributes:
        image: The image, relative to ``data_root``.
        label: The label file counted, relative to ``data_root``.
        pixels: Pixels of each train id ``0 .. num_classes - 1``.
    """

    image: str
    label: str
    pixels: Sequence[int]


def count_class_pixels(train_ids: np.ndarray, num_classes: int) -> List[int]:
    """Pixels of each train id below ``num_classes`` in a label map; other
    values (the ignore index) are not counted."""
    counts = np.bincount(train_ids.ravel(), minlength=num_classes)
    return [int(n) for n in counts[:num_classes]]


def label_fingerprint(data_root: str, labels: Sequence[str]) -> str:
    """Digest of the names and sizes of ``labels`` (relative to
    ``data_root``), in sorted order.

    Raises:
        FileNotFoundError: A label file does not exist.
    """
    digest = hashlib.sha256()
    for label in sorted(labels):
        size = os.stat(osp.join(data_root, label)).st_size
        digest.update(f'{label} {size}\n'.encode())
    return digest.hexdigest()


def write_class_stats(
    data_root: str,
    samples: Sequence[SampleClassPixels],
    num_classes: int,
    written_by: str,
) -> str:
    """Write :data:`CLASS_STATS_FILE` into ``data_root``, atomically.

    Args:
        data_root: The dataset's folder; the paths in ``samples`` are
            relative to it.
        samples: One entry per usable image.
        num_classes: Length of every ``pixels``.
        written_by: The command that wrote it, for people reading it.

    Returns:
        The file's path.
    """
    labels = [s.label for s in samples]
    stats = dict(
        format=FORMAT,
        num_classes=num_classes,
        written_by=written_by,
        label_files=len(labels),
        fingerprint=label_fingerprint(data_root, labels),
        samples={s.image: [s.label, list(s.pixels)] for s in samples},
    )
    path = osp.join(data_root, CLASS_STATS_FILE)
    write_text_atomic(path, json.dumps(stats, separators=(',', ':')))
    return path


def stats_command(dataset: BaseSegDataset, again: bool = False) -> str:
    """What writes a dataset's statistics, as a sentence to end a message.

    Args:
        dataset: The source dataset.
        again: The file exists but is stale.
    """
    name = type(dataset).__name__
    if name == 'SyntheticStreetDataset':
        return (
            f'Delete {dataset.data_root}: building the dataset generates it '
            'again, with its statistics.'
        )
    layout = layout_of(dataset)
    if layout.converter:
        command = layout.converter.format(data_root=dataset.data_root)
        return f'Run `{command}` to write them{" again" if again else ""}.'
    return (
        f'No tool writes them for {name}: the converters of GTA5, '
        'SYNTHIA and Cityscapes (tools/dataset_converters/) and the '
        'synthetic generator do; write them with '
        'mmseg_pfr.datasets.class_stats.write_class_stats.'
    )


def load_class_pixels(dataset: BaseSegDataset) -> np.ndarray:
    """The pixels of each class in each image of ``dataset``, from its
    fresh statistics.

    Returns:
        ``(len(dataset), num_classes)`` int64 counts, row ``i`` for
        ``dataset[i]``.

    Raises:
        ClassStatsError: The file is missing, unreadable, of another
            format or class count, lacks an image of the dataset, or its
            label files changed since it was written.
    """
    path = stats_path(dataset.data_root)
    stats = _read(dataset, path)
    num_classes = len(dataset.metainfo['classes'])
    if stats['num_classes'] != num_classes:
        _stale(
            dataset,
            path,
            f'it counts {stats["num_classes"]} classes, the dataset has '
            f'{num_classes}',
        )
    _check_labels(dataset, path, stats)
    samples = stats['samples']
    images = [_image_key(dataset, i) for i in range(len(dataset))]
    missing = [image for image in images if image not in samples]
    if missing:
        _stale(
            dataset,
            path,
            f"{len(missing)} of the dataset's {len(images)} images have no "
            f'statistics in it ({_some(missing)})',
        )
    return np.array([samples[image][1] for image in images], dtype=np.int64)


def _read(dataset: BaseSegDataset, path: str) -> dict:
    """The parsed statistics at ``path``, of this module's format."""
    fix = stats_command(dataset)
    owner = _name(dataset)
    if not osp.isfile(path):
        raise ClassStatsError(
            f'{owner}: rare-class sampling needs the class statistics '
            f'{path}, which do not exist. {fix}'
        )
    try:
        with open(path) as f:
            stats = json.load(f)
    except (OSError, ValueError) as exc:
        stats, problem = None, str(exc)
    else:
        problem = _format_problem(stats)
    if problem is not None:
        raise ClassStatsError(
            f'{owner}: {path} is not a class statistics file of format '
            f'{FORMAT} ({problem}). {fix}'
        )
    return stats


def _format_problem(stats) -> Optional[str]:
    """What makes parsed JSON not statistics of :data:`FORMAT`, if
    anything."""
    if not isinstance(stats, dict):
        return f'a JSON {type(stats).__name__}, not an object'
    if stats.get('format') != FORMAT:
        return f'format {stats.get("format")!r}'
    missing = [key for key in _KEYS if key not in stats]
    return f'no {", ".join(missing)}' if missing else None


def _check_labels(dataset: BaseSegDataset, path: str, stats: dict) -> None:
    """Raise unless the label files counted are still the ones counted."""
    labels = [label for label, _ in stats['samples'].values()]
    gone = [
        label
        for label in labels
        if not osp.isfile(osp.join(dataset.data_root or '', label))
    ]
    if gone:
        _stale(
            dataset,
            path,
            f'{len(gone)} of the {len(labels)} label files it counted do '
            f'not exist ({_some(gone)})',
        )
    fingerprint = label_fingerprint(dataset.data_root or '', labels)
    if (
        len(labels) != stats['label_files']
        or fingerprint != stats['fingerprint']
    ):
        _stale(
            dataset,
            path,
            f'its {len(labels)} label files changed since it was written '
            '(their sizes differ)',
        )


def _stale(dataset: BaseSegDataset, path: str, why: str) -> None:
    raise ClassStatsError(
        f'{_name(dataset)}: the class statistics {path} are stale: {why}. '
        f'{stats_command(dataset, again=True)}'
    )


def _image_key(dataset: BaseSegDataset, index: int) -> str:
    """Image ``index`` of ``dataset`` relative to its ``data_root``."""
    img_path = dataset.get_data_info(index)['img_path']
    root = dataset.data_root or os.curdir
    return osp.relpath(img_path, root).replace(os.sep, '/')


def _name(dataset: BaseSegDataset) -> str:
    return f'{type(dataset).__name__} (data_root {dataset.data_root!r})'


def _some(paths: List[str]) -> str:
    rest = len(paths) - MAX_NAMED
    named = ', '.join(paths[:MAX_NAMED])
    return named + (f' and {rest} more' if rest > 0 else '')


def stats_path(data_root: Optional[str]) -> str:
    """Where a dataset at ``data_root`` keeps its statistics."""
    return osp.join(data_root or '', CLASS_STATS_FILE)
