"""mIoU over the images of each condition (ACDC's fog, night, rain, snow),
beside mmseg's mIoU over all of them."""

from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.logging import print_log
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS
from prettytable import PrettyTable

from ..datasets.condition_dataset import ConditionError

# IoUMetric's areas of one image: intersection, union, prediction, label,
# each (num_classes,).
Areas = Tuple[torch.Tensor, ...]


@METRICS.register_module()
class ConditionIoUMetric(IoUMetric):
    """mmseg's ``IoUMetric`` plus the mIoU over the images of each
    condition.

    Adverse-condition benchmarks report the 19-class mIoU over all images
    and over the images of each condition (ACDC's test server: "all",
    fog, night, rain, snow), each from the pixels of those images summed,
    as ``mIoU`` is over all::

        dict(type='ConditionIoUMetric',
             conditions=('fog', 'night', 'rain', 'snow'))

    adds ``mIoU_fog``, ``mIoU_night``, ... (percent, two decimals, like
    ``mIoU``) to ``IoUMetric``'s results, which are unchanged (``mIoU``
    is over all images: ``save_best='mIoU'`` picks the checkpoint on it),
    and logs the per-class IoU of each condition and of all images in one
    table under mmseg's. Each data sample names its condition in its
    metainfo: the datasets of :mod:`mmseg_pfr.datasets.condition_dataset`
    tag every sample, and ``PackSegInputs`` packs the tag when its
    ``meta_keys`` include ``'condition'``. The table always covers what it
    says: conditions other than those the dataset reads (its metainfo's
    ``'conditions'``) are an error when the runner hands the metric the
    dataset's metainfo, before training; an image without the tag, one of a
    condition not listed, or a listed condition without images are errors
    at evaluation.

    Args:
        conditions: The conditions reported, in the order of the table.
        **kwargs: ``IoUMetric`` arguments.
    """

    def __init__(self, conditions: Sequence[str], **kwargs) -> None:
        super().__init__(**kwargs)
        if not conditions:
            raise ConditionError('ConditionIoUMetric: conditions is empty')
        self.conditions = list(conditions)

    @property
    def dataset_meta(self) -> Optional[dict]:
        """The dataset's meta information (classes, palette, conditions)."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        read = dataset_meta.get('conditions')
        if read is not None and set(read) != set(self.conditions):
            raise ConditionError(
                f'ConditionIoUMetric: it reports {_quoted(self.conditions)} '
                f'but the dataset reads {_quoted(read)}; give both the same '
                'conditions'
            )
        self._dataset_meta = dataset_meta

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """``IoUMetric``'s areas of each image, with its condition.

        Args:
            data_batch: A batch from the data loader.
            data_samples: The model's outputs for it, with metainfo.
        """
        conditions = [self._condition_of(s) for s in data_samples]
        start = len(self.results)
        super().process(data_batch, data_samples)
        self.results[start:] = [
            (*areas, condition)
            for areas, condition in zip(self.results[start:], conditions)
        ]

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """``IoUMetric``'s results plus one mIoU per condition.

        Args:
            results: Per image the areas of :meth:`process` and the
                condition.
        """
        areas = [r[:-1] for r in results]
        metrics = super().compute_metrics(areas)
        if self.format_only:
            return metrics
        found = [r[-1] for r in results]
        absent = [c for c in self.conditions if c not in found]
        if absent:
            raise ConditionError(
                f'ConditionIoUMetric: no image of {_quoted(absent)} was '
                f'evaluated; the images were of {_quoted(sorted(set(found)))}'
                '. Set conditions to those the dataset reads.'
            )
        columns = {
            condition: self._class_iou(
                [a for a, c in zip(areas, found) if c == condition]
            )
            for condition in self.conditions
        }
        for condition, iou in columns.items():
            metrics[f'mIoU_{condition}'] = _mean_percent(iou)
        columns['all'] = self._class_iou(areas)
        print_log('per class IoU by condition:', logger='current')
        print_log('\n' + self._table(columns), logger='current')
        return metrics

    def _condition_of(self, data_sample: dict) -> str:
        condition = data_sample.get('condition')
        if condition is None:
            raise ConditionError(
                f'ConditionIoUMetric: the data sample of '
                f'{data_sample.get("img_path")} has no condition. Read the '
                'images with ACDCDataset or DarkZurichConditionDataset, and '
                "add 'condition' to the meta_keys of PackSegInputs in the "
                'evaluation pipeline.'
            )
        if condition not in self.conditions:
            raise ConditionError(
                f'ConditionIoUMetric: {data_sample.get("img_path")} is of '
                f'condition {condition!r}, not one of '
                f'{_quoted(self.conditions)}'
            )
        return condition

    def _class_iou(self, areas: List[Areas]) -> np.ndarray:
        """Per-class IoU of the pixels of ``areas``' images together."""
        totals = [sum(a[i] for a in areas) for i in range(4)]
        iou = self.total_area_to_metrics(*totals, ['mIoU'], self.nan_to_num)
        return iou['IoU']

    def _table(self, columns: Dict[str, np.ndarray]) -> str:
        """Classes down, conditions across, IoU and mIoU in percent."""
        table = PrettyTable()
        table.add_column('Class', [*self.dataset_meta['classes'], 'mIoU'])
        for name, iou in columns.items():
            # float32 as IoUMetric prints it: 85.71, not 85.70999908447266.
            values = np.round(iou * 100, 2)
            table.add_column(name, [*values, _mean_percent(iou)])
        return table.get_string()


def _mean_percent(iou: np.ndarray) -> float:
    """The mean IoU in percent, two decimals, as ``IoUMetric`` gives it."""
    return np.round(np.nanmean(iou) * 100, 2)


def _quoted(names: Sequence[str]) -> str:
    return ', '.join(map(repr, names))
