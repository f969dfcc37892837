"""Base of the source datasets read in their official, unconverted layout."""

import os.path as osp
from typing import List, Optional, Set

import mmengine.fileio as fileio
from mmengine.logging import print_log
from mmseg.datasets import BaseSegDataset

from .label_maps import CITYSCAPES_METAINFO, LabelEncoding, get_encoding
from .layout import DatasetLayout, check_folders, check_samples

TRAIN_ID_SUFFIX = '_labelTrainIds.png'
EXCLUDE_FILE = 'excluded.txt'


class RawLabelDataset(BaseSegDataset):
    """A dataset as downloaded, labels in their own encoding, optionally with
    train-id labels and an exclusion list written by its converter.

    Samples carry a ``label_encoding`` that ``LoadTrainIdAnnotations`` maps
    to the 19 Cityscapes train ids at load time, so training needs no
    conversion step; the converter's ``*_labelTrainIds.png`` can be read
    instead (``label_encoding='train_ids'``). Images named in the converter's
    exclusion list (blank, unreadable or missing labels, images of one
    colour) are skipped either way. Building the dataset checks its folders
    and that every image has a label file
    (:mod:`~mmseg_pfr.datasets.layout`).

    Subclasses set ``RAW_ENCODING`` (a key of
    :data:`~mmseg_pfr.datasets.label_maps.ENCODINGS`), ``LAYOUT`` and
    ``DEFAULT_PREFIX``, the official image and label folders.

    Args:
        label_encoding: ``'ids'`` reads the original label files,
            ``'train_ids'`` the converter's ``*_labelTrainIds.png``.
        data_prefix: Image and label folders under ``data_root``; None
            means the official ones.
        exclude_file: File under ``data_root`` listing images to skip, one
            image file name (relative to the image folder) per line with an
            optional reason after it, ``#`` comments; used when it exists.
            None ignores it.
        img_suffix: Image file suffix.
        **kwargs: ``BaseSegDataset`` arguments (``data_root``, ``pipeline``,
            ``ann_file``, ...). ``seg_map_suffix`` follows from
            ``label_encoding``.
    """

    METAINFO = CITYSCAPES_METAINFO
    RAW_ENCODING: str = ''
    LAYOUT: DatasetLayout
    DEFAULT_PREFIX: dict = {}

    def __init__(
        self,
        label_encoding: str = 'ids',
        data_prefix: Optional[dict] = None,
        exclude_file: Optional[str] = EXCLUDE_FILE,
        img_suffix: str = '.png',
        **kwargs,
    ) -> None:
        suffixes = {'ids': '.png', 'train_ids': TRAIN_ID_SUFFIX}
        if label_encoding not in suffixes:
            raise ValueError(
                f"{type(self).__name__}: label_encoding must be 'ids' (the "
                "original labels) or 'train_ids' (the converter's "
                f'*{TRAIN_ID_SUFFIX}), got {label_encoding!r}'
            )
        if kwargs.get('reduce_zero_label'):
            raise ValueError(
                f'{type(self).__name__}: reduce_zero_label does not apply; '
                'train id 0 is a class (road)'
            )
        self.encoding: LabelEncoding = get_encoding(
            self.RAW_ENCODING if label_encoding == 'ids' else 'train_ids'
        )
        self.exclude_file = exclude_file
        # Images the exclusion list removed at the last listing.
        self.num_excluded = 0
        super().__init__(
            data_prefix=data_prefix or dict(self.DEFAULT_PREFIX),
            img_suffix=img_suffix,
            seg_map_suffix=suffixes[label_encoding],
            **kwargs,
        )

    def load_data_list(self) -> List[dict]:
        """The samples of :meth:`list_samples`, after checking that the
        folders exist, that there are images and that each has a label."""
        check_folders(self, need_labels=True)
        data_list = self.list_samples()
        check_samples(self, data_list, need_labels=True)
        return data_list

    def list_samples(self) -> List[dict]:
        """Every image paired with its label path, excluded images left
        out, each tagged with the label encoding; nothing checked."""
        data_list = super().load_data_list()
        excluded = self._excluded_images()
        if excluded:
            img_dir = self.data_prefix['img_path']
            kept = [
                info
                for info in data_list
                if osp.relpath(info['img_path'], img_dir) not in excluded
            ]
            print_log(
                f'{type(self).__name__}: skipped {len(data_list) - len(kept)}'
                f' images listed in {self._exclude_path()}',
                logger='current',
            )
            self.num_excluded = len(data_list) - len(kept)
            data_list = kept
        for info in data_list:
            info['label_encoding'] = self.encoding.name
        return data_list

    @property
    def missing_labels_hint(self) -> str:
        """What to do about images without a label file."""
        command = self.LAYOUT.converter.format(data_root=self.data_root)
        if self.encoding.name == 'train_ids':
            return (
                f'Run `{command}` to write them, or set label_encoding='
                "'ids' to map the original labels at load time."
            )
        return (
            f'Download the missing labels, or run `{command}`, which lists '
            f'images without labels in {EXCLUDE_FILE} so that they are '
            'skipped.'
        )

    @property
    def no_images_reason(self) -> Optional[str]:
        """Why no image is left when there are images but the exclusion
        list names them all; None otherwise."""
        if not self.num_excluded:
            return None
        command = self.LAYOUT.converter.format(data_root=self.data_root)
        return (
            f'all {self.num_excluded} images in '
            f'{self.data_prefix["img_path"]!r} are listed in '
            f'{self._exclude_path()}, which it skips (the reason for each '
            f'is on its line). Replace the files named there and run '
            f'`{command}` again.'
        )

    def _exclude_path(self) -> Optional[str]:
        if self.exclude_file is None:
            return None
        if self.data_root is None:
            return self.exclude_file
        return osp.join(self.data_root, self.exclude_file)

    def _excluded_images(self) -> Set[str]:
        path = self._exclude_path()
        if path is None or not fileio.exists(
            path, backend_args=self.backend_args
        ):
            return set()
        text = fileio.get_text(path, backend_args=self.backend_args)
        lines = (line.strip() for line in text.splitlines())
        return {
            line.split()[0]
            for line in lines
            if line and not line.startswith('#')
        }
