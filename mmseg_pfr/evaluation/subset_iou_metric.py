"""mIoU over named subsets of the classes, beside mmseg's 19-class mIoU."""

from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.logging import print_log
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS


@METRICS.register_module()
class SubsetIoUMetric(IoUMetric):
    """mmseg's ``IoUMetric`` plus the mean IoU over subsets of the classes.

    SYNTHIA -> Cityscapes results are reported over the 16 classes SYNTHIA
    labels and over 13 of them; the model still predicts all 19 classes,
    and each subset's mean is taken over the per-class IoUs of the full
    evaluation, which is what the published tables average::

        dict(type='SubsetIoUMetric', class_subsets=dict(
            mIoU16=SYNTHIA_16_CLASSES, mIoU13=SYNTHIA_13_CLASSES))

    adds ``mIoU16`` and ``mIoU13`` (percent, two decimals, like ``mIoU``)
    to the usual results and logs them under the per-class table. Class
    names are checked against the dataset's when the runner hands the
    metric its ``dataset_meta``, so a typo fails before training starts.

    Args:
        class_subsets: Result key -> the class names it averages over.
        **kwargs: ``IoUMetric`` arguments.
    """

    def __init__(
        self, class_subsets: Dict[str, Sequence[str]], **kwargs
    ) -> None:
        super().__init__(**kwargs)
        for key, names in class_subsets.items():
            if key in ('aAcc', 'mIoU', 'mAcc', 'mDice', 'mFscore'):
                raise ValueError(
                    f'SubsetIoUMetric: subset name {key!r} would overwrite '
                    "IoUMetric's own result"
                )
            if not names:
                raise ValueError(f'SubsetIoUMetric: subset {key!r} is empty')
        self.class_subsets = {k: list(v) for k, v in class_subsets.items()}

    @property
    def dataset_meta(self) -> Optional[dict]:
        """The dataset's meta information (classes, palette)."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        classes = list(dataset_meta['classes'])
        for key, names in self.class_subsets.items():
            unknown = [n for n in names if n not in classes]
            if unknown:
                raise ValueError(
                    f'SubsetIoUMetric: subset {key!r} names classes the '
                    f'dataset does not have: {", ".join(map(repr, unknown))}'
                    f'; its classes are {", ".join(map(repr, classes))}'
                )
        self._dataset_meta = dataset_meta

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """``IoUMetric``'s results plus one mean IoU per subset.

        Args:
            results: Per image (intersection, union, prediction, label)
                areas per class, from :meth:`process`.
        """
        metrics = super().compute_metrics(results)
        if self.format_only:
            return metrics
        intersect = sum(r[0] for r in results).numpy()
        union = sum(r[1] for r in results).numpy()
        with np.errstate(invalid='ignore', divide='ignore'):
            iou = intersect / union  # NaN for classes absent everywhere
        if self.nan_to_num is not None:
            iou = np.nan_to_num(iou, nan=self.nan_to_num)
        classes = list(self.dataset_meta['classes'])
        for key, names in self.class_subsets.items():
            index = [classes.index(n) for n in names]
            metrics[key] = np.round(np.nanmean(iou[index]) * 100, 2)
        print_log(
            'class subsets: '
            + ', '.join(f'{k}={metrics[k]:.2f}' for k in self.class_subsets),
            logger='current',
        )
        return metrics
