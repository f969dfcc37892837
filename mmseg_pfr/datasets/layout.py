"""Cheap checks of a dataset's folders, run when the dataset is built.

A wrong ``data_root``, an empty image folder, labels that were never
converted or a folder of colour renderings should stop a run before its
first iteration, with the path that was tried and what was expected there,
instead of crashing in a data loader worker at the first validation hours
later. These checks look at folders and file names and decode one label;
``tools/misc/check_dataset.py`` decodes every file.
"""

import os.path as osp
from dataclasses import dataclass
from typing import List, Optional, Sequence

import mmengine.fileio as fileio
from mmcv.transforms import LoadAnnotations
from mmengine.dataset import Compose
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS
from mmseg.utils import ConfigType

from .label_io import LabelFileError, read_label
from .label_maps import train_id_encoding
from .transforms.load_train_id_annotations import LoadTrainIdAnnotations

# How many missing files a message names before it only counts them.
MAX_NAMED = 5


class DatasetLayoutError(FileNotFoundError):
    """A dataset's folders are not where, or not what, it expects."""


@dataclass(frozen=True)
class DatasetLayout:
    """What a dataset expects under its ``data_root``.

    Attributes:
        description: The expected files, relative to ``data_root``.
        converter: Command that writes the label files the dataset reads,
            with ``{data_root}`` in it; empty when none is needed.
    """

    description: str
    converter: str = ''


CITYSCAPES_LAYOUT = DatasetLayout(
    description='the official Cityscapes layout: '
    'leftImg8bit/<split>/<city>/*_leftImg8bit.png and '
    'gtFine/<split>/<city>/*_gtFine_labelTrainIds.png',
    converter='python tools/dataset_converters/cityscapes.py {data_root}',
)

# Layouts of datasets that are not ours, keyed by class name.
KNOWN_LAYOUTS = {'CityscapesDataset': CITYSCAPES_LAYOUT}


def layout_of(dataset: BaseSegDataset) -> DatasetLayout:
    """The layout ``dataset`` expects: its ``LAYOUT`` attribute, a known
    one, or a description from its folders and suffixes."""
    layout = getattr(dataset, 'LAYOUT', None)
    if layout is None:
        layout = KNOWN_LAYOUTS.get(type(dataset).__name__)
    if layout is None:
        prefix = dataset.data_prefix
        layout = DatasetLayout(
            description=f'images *{dataset.img_suffix} under '
            f'{prefix.get("img_path")!r} and labels *'
            f'{dataset.seg_map_suffix} under '
            f'{prefix.get("seg_map_path")!r}'
        )
    return layout


def pipeline_loads_labels(pipeline: Compose) -> bool:
    """Whether a dataset pipeline reads label files."""
    return any(
        isinstance(t, (LoadAnnotations, LoadTrainIdAnnotations))
        for t in pipeline.transforms
    )


def check_folders(dataset: BaseSegDataset, need_labels: bool) -> None:
    """Raise :class:`DatasetLayoutError` unless the image folder and, when
    labels are needed, the label folder exist."""
    folders = [('image', dataset.data_prefix.get('img_path'))]
    if need_labels:
        folders.append(('label', dataset.data_prefix.get('seg_map_path')))
    for what, path in folders:
        if path:
            require_folder(
                _name(dataset),
                path,
                what,
                layout_of(dataset).description,
                dataset.backend_args,
            )


def require_folder(
    owner: str,
    path: str,
    what: str,
    expected: str,
    backend_args: Optional[dict] = None,
) -> None:
    """Raise :class:`DatasetLayoutError` unless ``path`` is a folder.

    Args:
        owner: Who needs it, to start the message.
        path: The folder.
        what: What it holds (``'image'``, ``'label'``).
        expected: The layout expected around it.
        backend_args: mmengine file backend arguments.
    """
    if not fileio.isdir(path, backend_args=backend_args):
        raise DatasetLayoutError(
            f'{owner}: no {what} folder at {path!r} (absolute path '
            f'{osp.abspath(path)}). Expected {expected}.'
        )


def check_samples(
    dataset: BaseSegDataset, data_list: Sequence[dict], need_labels: bool
) -> None:
    """Raise :class:`DatasetLayoutError` when ``data_list`` is empty or,
    when labels are needed, names label files that do not exist or the
    dataset has label files without their images."""
    if not data_list:
        reason: Optional[str] = getattr(dataset, 'no_images_reason', None)
        raise DatasetLayoutError(
            f'{_name(dataset)}: '
            + (
                reason
                or f'no images ending in {dataset.img_suffix!r} in '
                f'{dataset.data_prefix.get("img_path")!r}. '
                f'{_expected(dataset)}'
            )
        )
    if not need_labels:
        return
    missing = [
        info['seg_map_path']
        for info in data_list
        if 'seg_map_path' in info
        and not fileio.exists(
            info['seg_map_path'], backend_args=dataset.backend_args
        )
    ]
    if missing:
        raise DatasetLayoutError(
            missing_labels_message(dataset, missing, len(data_list))
        )
    orphans = labels_without_images_message(dataset)
    if orphans:
        raise DatasetLayoutError(orphans)
    probe_label(dataset, data_list[0]['seg_map_path'])


def missing_labels_message(
    dataset: BaseSegDataset, missing: Sequence[str], total: int
) -> str:
    """One sentence for every label file of ``dataset`` that is missing:
    how many of its ``total`` images, the first few, and what writes or
    brings them (the converter, when the dataset has one)."""
    return (
        f'{_name(dataset)}: {len(missing)} of {total} images have no label '
        f'file: {_some(list(missing))}. {_missing_labels_hint(dataset)}'
    )


def labels_without_images_message(dataset: BaseSegDataset) -> Optional[str]:
    """One sentence for every label file of ``dataset`` without its image,
    for datasets that list their label files (``labels_without_images()``,
    :class:`~mmseg_pfr.datasets.condition_dataset.ConditionDataset`); None
    when there is none. An evaluation without those images would score
    fewer images than the split has."""
    find = getattr(dataset, 'labels_without_images', None)
    orphans = find() if find is not None else []
    if not orphans:
        return None
    return (
        f'{_name(dataset)}: {len(orphans)} label files have no image: '
        f'{_some(orphans)}. Without their images the evaluation leaves them '
        f"out and its scores are not the split's. {_expected(dataset)}"
    )


def probe_label(dataset: BaseSegDataset, path: str) -> None:
    """Decode one label, which finds a whole folder of the wrong kind of
    file (colour renderings, another encoding) at build time."""
    encoding = getattr(dataset, 'encoding', None) or train_id_encoding(
        len(dataset.metainfo['classes']), dataset.ignore_index
    )
    try:
        read_label(path, encoding, dataset.backend_args)
    except LabelFileError as exc:
        raise DatasetLayoutError(
            f'{_name(dataset)}: its first label is unusable: {exc}. '
            f'{_expected(dataset)}'
        ) from exc


def build_checked_dataset(cfg: ConfigType) -> BaseSegDataset:
    """Build a dataset from ``cfg`` after checking its folders, so that a
    wrong path fails with what was expected there rather than inside the
    file listing; then :func:`check_built_dataset`."""
    dataset = DATASETS.build({**cfg, 'lazy_init': True})
    check_folders(dataset, pipeline_loads_labels(dataset.pipeline))
    dataset.full_init()
    check_built_dataset(dataset)
    return dataset


def check_built_dataset(dataset: BaseSegDataset) -> None:
    """Check that a built dataset found images and, when its pipeline reads
    labels, that every label file exists; e.g. for a validation set, whose
    labels are otherwise first read at the first validation."""
    check_samples(
        dataset,
        [dataset.get_data_info(i) for i in range(len(dataset))],
        pipeline_loads_labels(dataset.pipeline),
    )


def _name(dataset: BaseSegDataset) -> str:
    return f'{type(dataset).__name__} (data_root {dataset.data_root!r})'


def _expected(dataset: BaseSegDataset) -> str:
    return f'Expected {layout_of(dataset).description}.'


def _some(paths: List[str]) -> str:
    named = ', '.join(paths[:MAX_NAMED])
    rest = len(paths) - MAX_NAMED
    return named + (f' and {rest} more' if rest > 0 else '')


def _missing_labels_hint(dataset: BaseSegDataset) -> str:
    hint: Optional[str] = getattr(dataset, 'missing_labels_hint', None)
    if hint:
        return hint
    converter = layout_of(dataset).converter
    if converter:
        command = converter.format(data_root=dataset.data_root)
        return f'Run `{command}` to write them.'
    return _expected(dataset)
