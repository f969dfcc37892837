"""Scan every dataset of a config for problems, without training.

What ``tools/misc/check_dataset.py`` runs: for the train, val and test
datasets (a UDADataset's source and target separately) it checks the
folders, decodes every image and, where the pipeline reads labels, every
label (:func:`~mmseg_pfr.datasets.inspection.inspect_pair`) and looks for
label files without their image (ACDC, Dark Zurich), and checks that a UDA
pair agrees on its label space. Problems a loader would crash on are
errors; defects ``LoadTrainIdAnnotations`` handles (a label resized to its
image, values treated as ignore, a blank label) are warnings.
"""

import argparse
from dataclasses import dataclass
from functools import partial
from typing import List, Optional, Sequence, Tuple

from mmengine.config import Config, DictAction
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from ..utils.tool_errors import require_file
from .inspection import (
    BLANK,
    HANDLING,
    NO_LABEL,
    OUTSIDE_ENCODING,
    SIZE_MISMATCH,
    Finding,
    inspect_image,
    inspect_pair,
    map_with_progress,
)
from .label_maps import LabelEncoding, train_id_encoding
from .layout import (
    DatasetLayoutError,
    check_folders,
    check_samples,
    labels_without_images_message,
    missing_labels_message,
    pipeline_loads_labels,
)
from .raw_label_dataset import RawLabelDataset
from .uda_dataset import (
    UDADataset,
    check_label_spaces,
    refuse_label_loading,
)

# Defects LoadTrainIdAnnotations handles; with mmseg's LoadAnnotations they
# reach the loss or the metric unchanged.
HANDLED = (SIZE_MISMATCH, OUTSIDE_ENCODING, BLANK)


@dataclass
class Problem:
    """One problem found in a config's data.

    Attributes:
        severity: ``'error'`` (training or evaluation would fail or learn
            from wrong labels) or ``'warning'`` (handled at load time).
        message: What is wrong, naming the file.
    """

    severity: str
    message: str


@dataclass
class DatasetScan:
    """The scan of one dataset (or of a UDA pair's agreement): where it is
    used, what it is, how many samples were scanned, what was found."""

    where: str
    description: str
    num_samples: Optional[int]
    problems: List[Problem]


def dataset_configs(cfg: Config) -> List[Tuple[str, dict]]:
    """``(where, dataset config)`` for each dataset the config trains,
    validates or tests on; a test set identical to the val set is
    checked once."""
    found: List[Tuple[str, dict]] = []
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if not loader:
            continue
        dataset = loader['dataset']
        if dataset['type'] in ('UDADataset', UDADataset):
            found += [
                (f'{split} {domain}', dataset[domain])
                for domain in ('source', 'target')
                # target=None: the config loads no target images.
                if dataset.get(domain) is not None
            ]
        elif all(dataset != seen for _, seen in found):
            found.append((split, dataset))
    return found


def check_config(cfg: Config, nproc: int = 1) -> List[DatasetScan]:
    """Scan every dataset of ``cfg``; a UDA pair's label-space mismatch is
    reported under its split (``'train'``)."""
    scans, built = [], {}
    for where, dataset_cfg in dataset_configs(cfg):
        scan, dataset = scan_dataset(where, dataset_cfg, nproc)
        scans.append(scan)
        built[where] = dataset
    for where in [w for w in built if w.endswith(' source')]:
        split = where[: -len(' source')]
        source, target = built[where], built.get(f'{split} target')
        if source is None or target is None:
            continue
        try:
            check_label_spaces(source, target)
        except ValueError as exc:
            problem = Problem('error', str(exc))
            scans.append(
                DatasetScan(split, 'UDADataset pairing', None, [problem])
            )
    return scans


def scan_dataset(
    where: str, cfg: dict, nproc: int = 1
) -> Tuple[DatasetScan, Optional[BaseSegDataset]]:
    """Scan one dataset config: build, folders, then every file.

    Returns:
        The scan, and the dataset (None when it could not be built).
    """
    problems: List[Problem] = []
    if where.endswith(' target'):
        try:
            refuse_label_loading(Compose(cfg.get('pipeline', [])))
        except ValueError as exc:
            problems.append(Problem('error', str(exc)))
    try:
        dataset = DATASETS.build({**cfg, 'lazy_init': True})
    except Exception as exc:  # any config mistake: report it, go on
        problems.append(Problem('error', f'cannot build it: {exc!r}'))
        return DatasetScan(where, str(cfg.get('type')), None, problems), None
    if not isinstance(dataset, BaseSegDataset):
        problems.append(
            Problem('warning', 'not checked: not a BaseSegDataset')
        )
        return DatasetScan(where, type(dataset).__name__, None, problems), None
    description = f'{type(dataset).__name__} (data_root {dataset.data_root!r})'
    need_labels = pipeline_loads_labels(dataset.pipeline)
    try:
        check_folders(dataset, need_labels)
        samples = (
            dataset.list_samples()
            if isinstance(dataset, RawLabelDataset)
            else dataset.load_data_list()
        )
        check_samples(dataset, samples, need_labels=False)
    except DatasetLayoutError as exc:
        problems.append(Problem('error', str(exc)))
        return DatasetScan(where, description, None, problems), dataset
    orphans = labels_without_images_message(dataset) if need_labels else None
    if orphans:
        problems.append(Problem('error', orphans))
    handled = isinstance(dataset, RawLabelDataset)
    scan_sample = partial(
        _scan_sample,
        encoding=_encoding_of(dataset) if need_labels else None,
        num_classes=len(dataset.metainfo['classes']),
    )
    findings = map_with_progress(scan_sample, samples, nproc)
    problems += _sample_problems(dataset, samples, findings, handled)
    return DatasetScan(where, description, len(samples), problems), dataset


def _sample_problems(
    dataset: BaseSegDataset,
    samples: List[dict],
    findings: List[List[Finding]],
    handled: bool,
) -> List[Problem]:
    """The problems of the scanned samples. Images without a label file are
    one problem of the dataset, first, naming a few and what writes them
    (labels never converted would otherwise give a line per image)."""
    missing = [
        sample['seg_map_path']
        for sample, found in zip(samples, findings)
        if any(f.kind == NO_LABEL for f in found)
    ]
    problems = []
    if missing:
        message = missing_labels_message(dataset, missing, len(samples))
        problems.append(Problem('error', message))
    return problems + [
        _problem(sample, finding, handled)
        for sample, found in zip(samples, findings)
        for finding in found
        if finding.kind != NO_LABEL
    ]


def _problem(sample: dict, finding: Finding, handled: bool) -> Problem:
    """A finding as a problem: a warning when the dataset's loader
    handles it, saying how."""
    message = f'{sample["img_path"]}: {finding.kind}: {finding.message}'
    if not handled or finding.kind not in HANDLED:
        return Problem('error', message)
    if finding.kind in HANDLING:
        message += f'; {HANDLING[finding.kind]} at load time'
    return Problem('warning', message)


def _encoding_of(dataset: BaseSegDataset) -> LabelEncoding:
    """The encoding of the label files a dataset reads."""
    if isinstance(dataset, RawLabelDataset):
        return dataset.encoding
    # mmseg's LoadAnnotations reads train ids as they are.
    return train_id_encoding(
        len(dataset.metainfo['classes']), dataset.ignore_index
    )


def _scan_sample(
    sample: dict, encoding: Optional[LabelEncoding], num_classes: int
) -> List[Finding]:
    """Findings of one sample: its pair, or its image alone when
    ``encoding`` is None (labels not read)."""
    if encoding is None:
        return inspect_image(sample['img_path'])[1]
    return inspect_pair(
        sample['seg_map_path'],
        encoding,
        sample['img_path'],
        num_classes=num_classes,
    ).findings


def format_report(scans: List[DatasetScan]) -> str:
    """The report ``check_dataset.py`` prints."""
    lines = []
    for scan in scans:
        line = f'{scan.where}: {scan.description}'
        if scan.num_samples is not None:
            line += f', {scan.num_samples} samples'
        lines.append(line + ('' if scan.problems else ': no problems'))
        lines += [f'  {p.severity}: {p.message}' for p in scan.problems]
    problems = [p for s in scans for p in s.problems]
    errors = sum(p.severity == 'error' for p in problems)
    warnings = len(problems) - errors
    lines.append(
        f'{errors} error{"s" * (errors != 1)}, '
        f'{warnings} warning{"s" * (warnings != 1)}.'
    )
    return '\n'.join(lines)


def check_main(argv: Optional[Sequence[str]] = None) -> int:
    """The command line of ``tools/misc/check_dataset.py``.

    Returns:
        The exit status: 0 when no errors were found (warnings allowed),
        1 otherwise.
    """
    parser = argparse.ArgumentParser(
        description='Scan the train, val and test datasets of a config for '
        'problems (missing folders and files, images without labels and '
        'labels without images, unreadable images and labels, colour '
        'labels, values outside the label encoding, label spaces that '
        'differ between domains) without training.'
    )
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--nproc', type=int, default=1, help='worker processes (default 1)'
    )
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value (e.g. '
        'train_dataloader.dataset.source.data_root=/data/gta)',
    )
    args = parser.parse_args(argv)
    require_file(args.config, 'config')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    scans = check_config(cfg, args.nproc)
    print(format_report(scans))
    return int(any(p.severity == 'error' for s in scans for p in s.problems))
