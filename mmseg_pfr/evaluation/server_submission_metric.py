"""A test server's submission archive, written while ``tools/test.py`` runs.

The ACDC and Dark Zurich benchmarks keep their test labels on their servers:
one uploads a zip of per-image PNGs, each named after its image. Like
mmseg's ``CityscapesMetric`` with ``format_only=True``, the metrics here only
write: every prediction goes into a working folder as soon as it is made
(each PNG whole or not at all), and the zip is made from exactly the files
of this run once the last image is predicted, through a temporary file, so
that a killed run leaves no half archive. An existing archive is refused
when the metric is built, before any image is predicted, unless
``overwrite=True``.
"""

import os
import os.path as osp
import re
import zipfile
from abc import abstractmethod
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from ..datasets.label_io import write_png_atomic
from ..datasets.label_maps import CITYSCAPES_METAINFO

NUM_CLASSES = len(CITYSCAPES_METAINFO['classes'])
# An image of either benchmark: GOPR0364_frame_000001_rgb_anon.png; the
# servers find each prediction by its "<sequence>_frame_<frame>" part.
IMAGE_NAME = re.compile(r'^[A-Za-z0-9]+_frame_\d{6}_rgb_anon\.png$')


class SubmissionError(ValueError):
    """A run whose predictions a test server could not score: images
    outside the benchmark's layout, or a model of other classes."""


class SubmissionExistsError(SubmissionError, FileExistsError):
    """The archive exists and ``overwrite`` is off."""


class ServerSubmissionMetric(BaseMetric):
    """Write a test server's zip of per-image PNGs; scores nothing.

    A subclass names the server and says which PNGs one prediction gives
    (:meth:`pictures`); each lands in the archive as
    ``<folder>/<image name>``, the image's own file name.

    Args:
        output_dir: Where the PNGs are written while the test runs; the
            archive is ``<output_dir>.zip`` beside it.
        keep_results: Keep the PNGs once they are zipped (``tools/test.py
            --out DIR`` sets it); otherwise they are deleted, and the
            folders they leave empty.
        overwrite: Replace an existing archive; otherwise one is an error.
        collect_device: Where the ranks' results are gathered.
        prefix: Prefix of the (empty) result keys.
    """

    server: str  # the benchmark's name, for messages
    test_images: int  # how many images its test split has

    def __init__(
        self,
        output_dir: str,
        keep_results: bool = False,
        overwrite: bool = False,
        collect_device: str = 'cpu',
        prefix: Optional[str] = None,
    ) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.output_dir = osp.normpath(output_dir)
        self.zip_path = f'{self.output_dir}.zip'
        self.keep_results = keep_results
        if osp.exists(self.zip_path) and not overwrite:
            raise SubmissionExistsError(
                f'{self.zip_path} exists: {type(self).__name__} does not '
                'replace it unless test_evaluator.overwrite=True '
                '(--cfg-options test_evaluator.overwrite=True); or set '
                'another test_evaluator.output_dir'
            )

    @abstractmethod
    def pictures(
        self, label: np.ndarray, logits: torch.Tensor
    ) -> Dict[str, np.ndarray]:
        """Archive folder -> the PNG one prediction gives there.

        Args:
            label: Predicted train ids, ``(H, W)`` uint8, the image's size.
            logits: The segmentor's logits upsampled to that size,
                ``(19, H, W)``.
        """

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Write each sample's PNGs; remember their archive names.

        Args:
            data_batch: The batch from the data loader (unused).
            data_samples: The segmentor's outputs, with ``img_path``,
                ``pred_sem_seg`` and ``seg_logits`` at the original size.
        """
        for sample in data_samples:
            name = self._image_name(sample['img_path'])
            logits = sample['seg_logits']['data']
            self._check_classes(logits, sample['img_path'])
            label = sample['pred_sem_seg']['data'][0].cpu().numpy()
            written = []
            for folder, picture in self.pictures(
                label.astype(np.uint8), logits
            ).items():
                written.append(f'{folder}/{name}')
                path = osp.join(self.output_dir, folder, name)
                os.makedirs(osp.dirname(path), exist_ok=True)
                write_png_atomic(path, picture)
            self.results.append(tuple(written))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Zip the PNGs of every rank; no scores (the labels are on the
        server).

        Args:
            results: Per image, the archive names of its PNGs.
        """
        names = sorted(name for written in results for name in written)
        partial = f'{self.zip_path}.part'
        with zipfile.ZipFile(partial, 'w', zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                archive.write(osp.join(self.output_dir, name), name)
        os.replace(partial, self.zip_path)
        if not self.keep_results:
            self._remove(names)
        print_log(
            f'{self.server} submission written: {self.zip_path} '
            f'({len(results)} images; the {self.server} test split has '
            f'{self.test_images})',
            logger='current',
        )
        return {}

    def _image_name(self, img_path: str) -> str:
        """The image's file name, checked against the benchmark's."""
        name = osp.basename(img_path)
        if not IMAGE_NAME.match(name):
            raise SubmissionError(
                f'{img_path}: not named as the {self.server} images are '
                '(<sequence>_frame_<6 digits>_rgb_anon.png); the server '
                'finds each prediction by that name: point the test data '
                "loader at the dataset's rgb_anon folders"
            )
        return name

    def _check_classes(self, logits: torch.Tensor, img_path: str) -> None:
        """The server scores the 19 Cityscapes train ids."""
        if logits.shape[0] != NUM_CLASSES:
            raise SubmissionError(
                f'{img_path}: the {self.server} server scores the '
                f'{NUM_CLASSES} Cityscapes classes (train ids 0-18); this '
                f'model predicts {logits.shape[0]}'
            )

    def _remove(self, names: Sequence[str]) -> None:
        """Delete the zipped PNGs, then the folders left empty."""
        for name in names:
            os.remove(osp.join(self.output_dir, name))
        # The archive's folders, then output_dir itself ('').
        for folder in [*sorted({osp.dirname(n) for n in names}), '']:
            path = osp.join(self.output_dir, folder)
            if not os.listdir(path):
                os.rmdir(path)
