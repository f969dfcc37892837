"""Base of the adverse-condition targets (ACDC, Dark Zurich), read in their
official layouts, where images are filed by split and by condition."""

import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import mmengine.fileio as fileio
from mmseg.datasets import BaseSegDataset

from .label_maps import CITYSCAPES_METAINFO
from .layout import (
    DatasetLayout,
    DatasetLayoutError,
    check_folders,
    pipeline_loads_labels,
)

LABEL_TRAIN_ID_SUFFIX = '_gt_labelTrainIds.png'


class ConditionError(ValueError):
    """A split or condition a condition dataset or its metric does not
    have; the message lists the ones there are."""


class ConditionDataset(BaseSegDataset):
    """Images of one split and some of its conditions, each sample tagged
    with its condition.

    Every sample's data info holds ``img_path`` (the official file),
    ``condition`` and, where the split and condition are labelled,
    ``seg_map_path`` (the ``*_gt_labelTrainIds.png`` the dataset ships,
    read by mmseg's ``LoadAnnotations``). ``PackSegInputs`` puts the
    condition into each data sample when its ``meta_keys`` name it, for
    :class:`~mmseg_pfr.evaluation.ConditionIoUMetric` and the test-server
    writers; the dataset's ``metainfo`` lists the conditions read
    (``'conditions'``), which the metric checks before training.

    Building the dataset checks its layout: the image and label roots, an
    image in every selected condition's folder, labels for the split when
    the pipeline loads them, and (:func:`~.layout.check_samples`) every
    image's label and no label without its image. The messages name the
    folders tried and what was expected there.

    Subclasses set ``SPLITS`` (split -> its conditions), ``LABELLED``
    (split -> the conditions with labels), ``FOLDER`` (a condition folder
    under ``rgb_anon`` and ``gt``, with ``{split}`` and ``{condition}``),
    ``LAYOUT`` and ``LABELS_FROM`` (where the labels come from, for
    messages).

    Args:
        split: The split, a key of ``SPLITS``.
        conditions: The conditions to read, in the order results are
            reported; None reads every condition of the split.
        img_suffix: Image file suffix.
        seg_map_suffix: Label file suffix.
        data_prefix: Image and label roots under ``data_root``; None means
            the official ones, ``dict(img_path='rgb_anon',
            seg_map_path='gt')``.
        **kwargs: ``BaseSegDataset`` arguments (``data_root``,
            ``pipeline``, ...).
    """

    METAINFO = CITYSCAPES_METAINFO
    SPLITS: Dict[str, Tuple[str, ...]] = {}
    LABELLED: Dict[str, Tuple[str, ...]] = {}
    FOLDER = ''
    LAYOUT: DatasetLayout
    LABELS_FROM = ''

    def __init__(
        self,
        split: str = 'train',
        conditions: Optional[Sequence[str]] = None,
        img_suffix: str = '_rgb_anon.png',
        seg_map_suffix: str = LABEL_TRAIN_ID_SUFFIX,
        data_prefix: Optional[dict] = None,
        **kwargs,
    ) -> None:
        name = type(self).__name__
        if split not in self.SPLITS:
            raise ConditionError(
                f'{name}: split must be one of {_quoted(self.SPLITS)}, got '
                f'{split!r}'
            )
        known = self.SPLITS[split]
        self.split = split
        self.conditions = tuple(known if conditions is None else conditions)
        unknown = [c for c in self.conditions if c not in known]
        if unknown or not self.conditions:
            raise ConditionError(
                f'{name}: the {split} split has the conditions '
                f'{_quoted(known)}; got {_quoted(self.conditions) or "none"}'
            )
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            data_prefix=data_prefix
            or dict(img_path='rgb_anon', seg_map_path='gt'),
            **kwargs,
        )
        # For the per-condition metric, which the runner hands the
        # metainfo before training: it checks that it reports these.
        self._metainfo['conditions'] = self.conditions

    @property
    def labelled_conditions(self) -> Tuple[str, ...]:
        """The selected conditions whose images of the split have labels."""
        labelled = self.LABELLED.get(self.split, ())
        return tuple(c for c in self.conditions if c in labelled)

    def load_data_list(self) -> List[dict]:
        """Every image of the selected conditions, sorted by path, after
        checking the roots, that each condition has images and, when the
        pipeline loads labels, that they are labelled."""
        need_labels = pipeline_loads_labels(self.pipeline)
        if need_labels:
            self._refuse_unlabelled()
        check_folders(self, need_labels)
        images = {c: self._images_of(c) for c in self.conditions}
        empty = [c for c, paths in images.items() if not paths]
        if empty:
            raise DatasetLayoutError(self._no_images_message(empty))
        data_list = [
            self._data_info(path, condition)
            for condition, paths in images.items()
            for path in paths
        ]
        return sorted(data_list, key=lambda info: info['img_path'])

    def labels_without_images(self) -> List[str]:
        """The label files in the selected labelled conditions' folders
        whose image is not there (an image archive partly unpacked)."""
        orphans = []
        for condition in self.labelled_conditions:
            expected = {
                self._label_path(path, condition)
                for path in self._images_of(condition)
            }
            labels = self._labels_of(condition)
            orphans += [path for path in labels if path not in expected]
        return orphans

    @property
    def missing_labels_hint(self) -> str:
        """What to do about images without a label file."""
        return (
            f'{type(self).__name__} reads {self.LABELS_FROM}: unpack it into '
            f'{self.data_root!r}.'
        )

    def _folder(self, prefix: str, condition: str) -> str:
        """The folder of ``condition`` under the image (``'img_path'``) or
        label (``'seg_map_path'``) root."""
        relative = self.FOLDER.format(split=self.split, condition=condition)
        return osp.join(self.data_prefix[prefix], relative)

    def _files(self, prefix: str, condition: str, suffix: str) -> List[str]:
        """The files ending in ``suffix`` below a condition's folder, at
        any depth (sequence folders); none when the folder is missing."""
        folder = self._folder(prefix, condition)
        if not fileio.isdir(folder, backend_args=self.backend_args):
            return []
        names = fileio.list_dir_or_file(
            folder,
            list_dir=False,
            suffix=suffix,
            recursive=True,
            backend_args=self.backend_args,
        )
        return sorted(osp.join(folder, name) for name in names)

    def _images_of(self, condition: str) -> List[str]:
        return self._files('img_path', condition, self.img_suffix)

    def _labels_of(self, condition: str) -> List[str]:
        return self._files('seg_map_path', condition, self.seg_map_suffix)

    def _label_path(self, img_path: str, condition: str) -> str:
        """The label file of an image: the same path below the label
        root, with the label suffix."""
        relative = osp.relpath(img_path, self._folder('img_path', condition))
        stem = relative[: -len(self.img_suffix)]
        return osp.join(
            self._folder('seg_map_path', condition), stem + self.seg_map_suffix
        )

    def _data_info(self, img_path: str, condition: str) -> dict:
        info = dict(
            img_path=img_path,
            condition=condition,
            label_map=self.label_map,
            reduce_zero_label=self.reduce_zero_label,
            seg_fields=[],
        )
        if condition in self.labelled_conditions:
            info['seg_map_path'] = self._label_path(img_path, condition)
        return info

    def _refuse_unlabelled(self) -> None:
        """Raise when the pipeline loads labels a selected condition of the
        split does not have."""
        unlabelled = [
            c for c in self.conditions if c not in self.labelled_conditions
        ]
        if not unlabelled:
            return
        labelled = '; '.join(
            f'{split}: {_quoted(conditions)}'
            for split, conditions in self.LABELLED.items()
        )
        raise DatasetLayoutError(
            f'{_name(self)}: the pipeline loads labels, but the '
            f'{self.split} images of {_quoted(unlabelled)} have none '
            f'(labelled: {labelled}). Remove LoadAnnotations from the '
            'pipeline, or read a labelled split.'
        )

    def _no_images_message(self, conditions: Sequence[str]) -> str:
        folders = ', '.join(
            repr(self._folder('img_path', c)) for c in conditions
        )
        return (
            f'{_name(self)}: no {self.split} images of '
            f'{_quoted(conditions)}: nothing ending in {self.img_suffix!r} '
            f'below {folders}. Expected {self.LAYOUT.description}; '
            'conditions=(...) reads fewer conditions.'
        )


def _name(dataset: BaseSegDataset) -> str:
    return f'{type(dataset).__name__} (data_root {dataset.data_root!r})'


def _quoted(names: Sequence[str]) -> str:
    return ', '.join(map(repr, names))
