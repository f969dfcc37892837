"""Label conversion to train ids, shared by ``tools/dataset_converters``.

Every label is validated as it is converted (:func:`inspect_pair`): pairs
with a defect the loaders handle (a label a few pixels off its image's size,
values outside the encoding) are converted with the fix applied and named
in the summary; unusable pairs (no label, unreadable files, an image of one
colour, a colour label, a blank label) get no output and are named too,
and for GTA5 and SYNTHIA also listed in an exclusion file that their
dataset skips.

Conversion is resumable and idempotent: outputs are written to a temporary
name and renamed, so a file is either complete or absent; a rerun decodes
only the headers of finished pairs' images, leaves finished outputs alone,
writes the missing ones and reports the same summary.

GTA5's and SYNTHIA's converters also write the class statistics of the
usable pairs, which rare-class sampling reads (:mod:`.class_stats`): every
run counts every label again, so they always describe the labels as they
are.
"""

import argparse
import glob
import os
import os.path as osp
import sys
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, List, Optional, Sequence, Tuple, Type

from .class_stats import (
    SampleClassPixels,
    count_class_pixels,
    write_class_stats,
)
from .inspection import (
    HANDLING,
    UNUSABLE,
    Finding,
    inspect_pair,
    map_with_progress,
)
from .label_io import write_png_atomic, write_text_atomic
from .label_maps import CITYSCAPES_METAINFO, LabelEncoding, get_encoding
from .layout import CITYSCAPES_LAYOUT, DatasetLayoutError, require_folder
from .raw_label_dataset import EXCLUDE_FILE, TRAIN_ID_SUFFIX, RawLabelDataset

CITYSCAPES_SPLITS = ('train', 'val')
# The split whose class statistics the converter writes (rare-class
# sampling on Cityscapes as the labelled source).
CITYSCAPES_STATS_SPLIT = 'train'
NUM_CLASSES = len(CITYSCAPES_METAINFO['classes'])
CITYSCAPES_ID_SUFFIX = '_gtFine_labelIds.png'
CITYSCAPES_TRAIN_ID_SUFFIX = '_gtFine_labelTrainIds.png'
# What the Cityscapes converter reads (its output is what mmseg reads).
CITYSCAPES_ID_LAYOUT = (
    'the official Cityscapes layout: '
    f'gtFine/{{train,val}}/<city>/*{CITYSCAPES_ID_SUFFIX}, from '
    'gtFine_trainvaltest.zip'
)


@dataclass(frozen=True)
class ConversionJob:
    """One label to convert.

    Attributes:
        key: The image's path relative to the image folder (what exclusion
            files hold), or the label's for label-only datasets.
        label_path: The label file.
        out_path: Where its train-id version goes.
        image_path: Its image, whose size the output must have; None for
            label-only conversion.
    """

    key: str
    label_path: str
    out_path: str
    image_path: Optional[str] = None


@dataclass
class JobResult:
    """What converting one label did.

    Attributes:
        name: The pair, for the summary (image path, else label path).
        key: The job's key.
        written: Whether an output was written by this run.
        fixed: Defects fixed in the output.
        unusable: Why no output exists, if none does.
        class_pixels: Pixels of each train id in the output (usable pairs
            only).
    """

    name: str
    key: str
    written: bool
    fixed: List[Finding] = field(default_factory=list)
    unusable: Optional[Finding] = None
    class_pixels: Optional[List[int]] = None


@dataclass
class ConversionReport:
    """The outcome of converting a dataset.

    Attributes:
        title: What was converted, e.g. ``'GTADataset labels in data/gta'``.
        results: One per job, in job order.
        exclusion: Where the unusable pairs are listed and who skips them,
            e.g. ``'listed in data/gta/excluded.txt, which GTADataset
            skips'``; None for a dataset without an exclusion list, whose
            unusable labels are then only "not converted".
        class_stats: The class statistics file written, if any.
        class_stats_split: The split they count when not every converted
            label (Cityscapes: ``'train'``).
    """

    title: str
    results: List[JobResult]
    exclusion: Optional[str] = None
    class_stats: Optional[str] = None
    class_stats_split: str = ''

    @property
    def excluded(self) -> List[JobResult]:
        """The pairs that could not be converted."""
        return [r for r in self.results if r.unusable is not None]

    def summary(self) -> str:
        """The lines printed after a conversion."""
        usable = len(self.results) - len(self.excluded)
        written = sum(r.written for r in self.results)
        dropped = 'excluded' if self.exclusion else 'not converted'
        lines = [
            f'{self.title}: {len(self.results)} labels, {usable} converted '
            f'({written} now, {usable - written} already done), '
            f'{len(self.excluded)} {dropped}.'
        ]
        fixed = [(r, f) for r in self.results for f in r.fixed]
        if fixed:
            lines.append(f'Fixed ({len(fixed)}):')
            lines += [
                f'  {r.name}: {f.kind}: {f.message}; {HANDLING[f.kind]}'
                for r, f in fixed
            ]
        if self.excluded:
            where = f', {self.exclusion}' if self.exclusion else ''
            lines.append(
                f'{dropped.capitalize()} ({len(self.excluded)}){where}:'
            )
            lines += [
                f'  {r.name}: {r.unusable.kind}: {r.unusable.message}'
                for r in self.excluded
            ]
        if self.class_stats:
            split = self.class_stats_split
            counted = sum(
                r.unusable is None and (not split or in_split(r.key, split))
                for r in self.results
            )
            of = f'{split} labels' if split else 'labels'
            lines.append(
                f'Class statistics of the {counted} converted {of}, for '
                f'rare-class sampling: {self.class_stats}'
            )
        return '\n'.join(lines)


def in_split(key: str, split: str) -> bool:
    """Whether a label's key (its path under ``gtFine``) is in ``split``."""
    return key.split(os.sep)[0] == split


def convert_job(job: ConversionJob, encoding: LabelEncoding) -> JobResult:
    """Validate one label and write its train-id version unless it exists.

    Finished outputs are kept: only the image header is read for them, to
    report the same size fixes as the run that wrote them.
    """
    done = osp.exists(job.out_path)
    inspection = inspect_pair(
        job.label_path, encoding, job.image_path, decode_image=not done
    )
    unusable = inspection.unusable
    written = unusable is None and not done
    if written:
        write_png_atomic(job.out_path, inspection.train_ids)
    return JobResult(
        name=job.image_path or job.label_path,
        key=job.key,
        written=written,
        fixed=[f for f in inspection.findings if f.kind not in UNUSABLE],
        unusable=unusable,
        class_pixels=None
        if unusable is not None
        else count_class_pixels(inspection.train_ids, NUM_CLASSES),
    )


def run_jobs(
    jobs: Sequence[ConversionJob], encoding: LabelEncoding, nproc: int = 1
) -> List[JobResult]:
    """Convert every job, on ``nproc`` processes, with a progress bar."""
    return map_with_progress(
        partial(convert_job, encoding=encoding), jobs, nproc
    )


def paired_jobs(
    dataset: Type[RawLabelDataset], data_root: str
) -> List[ConversionJob]:
    """One job per image of a dataset in its official layout, with the
    train-id label written beside the original one.

    Raises:
        DatasetLayoutError: A folder is missing or holds no images.
    """
    owner = f'{dataset.__name__} converter'
    expected = dataset.LAYOUT.description
    img_dir = osp.join(data_root, dataset.DEFAULT_PREFIX['img_path'])
    label_dir = osp.join(data_root, dataset.DEFAULT_PREFIX['seg_map_path'])
    require_folder(owner, img_dir, 'image', expected)
    require_folder(owner, label_dir, 'label', expected)
    names = sorted(n for n in os.listdir(img_dir) if n.endswith('.png'))
    if not names:
        raise DatasetLayoutError(
            f"{owner}: no images ending in '.png' in {img_dir!r}. "
            f'Expected {expected}.'
        )
    return [
        ConversionJob(
            key=name,
            label_path=osp.join(label_dir, name),
            out_path=osp.join(label_dir, name[:-4] + TRAIN_ID_SUFFIX),
            image_path=osp.join(img_dir, name),
        )
        for name in names
    ]


def convert_paired_dataset(
    dataset: Type[RawLabelDataset], data_root: str, nproc: int = 1
) -> ConversionReport:
    """Convert GTA5 or SYNTHIA labels and write the exclusion list and the
    class statistics.

    Args:
        dataset: ``GTADataset`` or ``SynthiaDataset``: the layout and label
            encoding.
        data_root: The dataset's folder.
        nproc: Worker processes.
    """
    jobs = paired_jobs(dataset, data_root)
    results = run_jobs(jobs, get_encoding(dataset.RAW_ENCODING), nproc)
    exclude_path = osp.join(data_root, EXCLUDE_FILE)
    command = dataset.LAYOUT.converter.format(data_root=data_root)
    lines = [f'# Images {dataset.__name__} skips, written by {command}']
    lines += [
        f'{r.key} {r.unusable.kind}: {r.unusable.message}'
        for r in results
        if r.unusable is not None
    ]
    write_text_atomic(exclude_path, '\n'.join(lines) + '\n')
    return ConversionReport(
        f'{dataset.__name__} labels in {data_root}',
        results,
        f'listed in {exclude_path}, which {dataset.__name__} skips',
        write_class_stats(
            data_root,
            class_stats_samples(jobs, results, data_root),
            NUM_CLASSES,
            command,
        ),
    )


def class_stats_samples(
    jobs: Sequence[ConversionJob],
    results: Sequence[JobResult],
    data_root: str,
) -> List[SampleClassPixels]:
    """The class statistics entries of the usable pairs, with paths
    relative to ``data_root``."""
    return [
        SampleClassPixels(
            image=_relative(job.image_path, data_root),
            label=_relative(job.label_path, data_root),
            pixels=result.class_pixels,
        )
        for job, result in zip(jobs, results)
        if result.class_pixels is not None
    ]


def _relative(path: str, root: str) -> str:
    return osp.relpath(path, root).replace(os.sep, '/')


def cityscapes_jobs(data_root: str) -> List[ConversionJob]:
    """One job per ``gtFine/{train,val}/<city>/*_gtFine_labelIds.png``; the
    test split's labels are placeholders and are left alone.

    Raises:
        DatasetLayoutError: ``gtFine`` is missing or holds no label ids.
    """
    owner = 'Cityscapes converter'
    gt_dir = osp.join(data_root, 'gtFine')
    require_folder(owner, gt_dir, 'label', CITYSCAPES_ID_LAYOUT)
    paths = sorted(
        path
        for split in CITYSCAPES_SPLITS
        for path in glob.glob(
            osp.join(gt_dir, split, '*', '*' + CITYSCAPES_ID_SUFFIX)
        )
    )
    if not paths:
        raise DatasetLayoutError(
            f'{owner}: no *{CITYSCAPES_ID_SUFFIX} in '
            f'{osp.join(gt_dir, "{train,val}", "<city>")!r}. Expected '
            f'{CITYSCAPES_ID_LAYOUT}.'
        )
    return [
        ConversionJob(
            key=osp.relpath(path, gt_dir),
            label_path=path,
            out_path=path[: -len(CITYSCAPES_ID_SUFFIX)]
            + CITYSCAPES_TRAIN_ID_SUFFIX,
        )
        for path in paths
    ]


def convert_cityscapes(data_root: str, nproc: int = 1) -> ConversionReport:
    """Convert Cityscapes label ids to the train ids mmseg's
    ``CityscapesDataset`` reads, without the polygon files, and write the
    train split's class statistics (rare-class sampling on Cityscapes as
    the labelled source, as HRDA and MIC run Cityscapes -> ACDC and ->
    Dark Zurich)."""
    jobs = cityscapes_jobs(data_root)
    results = run_jobs(jobs, get_encoding('cityscapes_ids'), nproc)
    train = [
        (job, result)
        for job, result in zip(jobs, results)
        if in_split(job.key, CITYSCAPES_STATS_SPLIT)
    ]
    stats = None
    if train:
        stats = write_class_stats(
            data_root,
            cityscapes_stats_samples(train, data_root),
            NUM_CLASSES,
            CITYSCAPES_LAYOUT.converter.format(data_root=data_root),
        )
    return ConversionReport(
        f'Cityscapes labels in {data_root}',
        results,
        class_stats=stats,
        class_stats_split=CITYSCAPES_STATS_SPLIT,
    )


def cityscapes_stats_samples(
    pairs: Sequence[Tuple[ConversionJob, JobResult]], data_root: str
) -> List[SampleClassPixels]:
    """The statistics entries of converted Cityscapes train labels, keyed
    by their images (``leftImg8bit/train/<city>/<stem>_leftImg8bit.png``,
    what ``CityscapesDataset`` lists)."""
    samples = []
    for job, result in pairs:
        if result.class_pixels is None:
            continue
        stem = osp.basename(job.label_path)[: -len(CITYSCAPES_ID_SUFFIX)]
        city = osp.basename(osp.dirname(job.label_path))
        image = (
            f'leftImg8bit/{CITYSCAPES_STATS_SPLIT}/{city}/{stem}'
            '_leftImg8bit.png'
        )
        samples.append(SampleClassPixels(
            image=image,
            label=_relative(job.out_path, data_root),
            pixels=result.class_pixels,
        ))  # fmt: skip
    return samples


def converter_main(
    description: str,
    convert: Callable[[str, int], ConversionReport],
    argv: Optional[Sequence[str]] = None,
) -> int:
    """The command line of a converter tool.

    Args:
        description: The tool's help text.
        convert: ``convert(data_root, nproc)``.
        argv: Arguments; None reads ``sys.argv``.

    Returns:
        The exit status: 0 when the conversion finished (whatever it fixed
        or excluded), 2 when it could not run (a layout error, printed).
    """
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument('data_root', help='the dataset folder')
    parser.add_argument(
        '--nproc', type=int, default=1, help='worker processes (default 1)'
    )
    args = parser.parse_args(argv)
    try:
        report = convert(args.data_root, args.nproc)
    except DatasetLayoutError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    print(report.summary())
    return 0
