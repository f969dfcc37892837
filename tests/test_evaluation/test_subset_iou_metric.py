"""SubsetIoUMetric: mmseg's IoUMetric plus mIoU over class subsets."""

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.datasets import CityscapesDataset
from mmseg.evaluation import IoUMetric
from mmseg.structures import SegDataSample

from mmseg_pfr.datasets import SYNTHIA_13_CLASSES, SYNTHIA_16_CLASSES
from mmseg_pfr.evaluation import SubsetIoUMetric

META = CityscapesDataset.METAINFO
CLASSES = list(META['classes'])


def predictions(seed: int, n: int = 3, size=(20, 30)):
    """Samples with a random label (with ignore pixels) and a prediction
    right on about 60% of the pixels."""
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n):
        label = rng.integers(0, 19, size)
        label[label == 16] = 255  # 'train' never in the labels...
        label[rng.random(size) < 0.1] = 255
        pred = np.where(
            rng.random(size) < 0.6, label, rng.integers(0, 19, size)
        )
        pred[(pred == 255) | (pred == 16)] = 3  # nor predicted; and
        pred[pred == 14] = 15  # 'truck' labelled but never predicted
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=torch.from_numpy(label)[None])
        sample.pred_sem_seg = PixelData(data=torch.from_numpy(pred)[None])
        samples.append(sample.to_dict())
    return samples


def independent_iou(samples) -> np.ndarray:
    """Per-class IoU from the pixels, without mmseg."""
    inter, union = np.zeros(19), np.zeros(19)
    for s in samples:
        label = s['gt_sem_seg']['data'].numpy().ravel()
        pred = s['pred_sem_seg']['data'].numpy().ravel()
        valid = label != 255
        label, pred = label[valid], pred[valid]
        for c in range(19):
            inter[c] += np.sum((pred == c) & (label == c))
            union[c] += np.sum((pred == c) | (label == c))
    with np.errstate(invalid='ignore'):
        return inter / union


def evaluate(metric, samples):
    metric.dataset_meta = META
    metric.process({}, samples)
    return metric.evaluate(len(samples))


def test_subset_means_match_an_independent_computation():
    samples = predictions(0)
    iou = independent_iou(samples)
    assert np.isnan(iou[16])  # neither labelled nor predicted
    metric = SubsetIoUMetric(
        class_subsets=dict(
            mIoU16=SYNTHIA_16_CLASSES, mIoU13=SYNTHIA_13_CLASSES
        )
    )
    results = evaluate(metric, samples)
    plain = evaluate(IoUMetric(), samples)
    assert {k: results[k] for k in plain} == plain  # mmseg's own numbers
    for key, names in (
        ('mIoU16', SYNTHIA_16_CLASSES),
        ('mIoU13', SYNTHIA_13_CLASSES),
    ):
        index = [CLASSES.index(n) for n in names]
        expected = np.round(np.nanmean(iou[index]) * 100, 2)
        assert results[key] == pytest.approx(expected, abs=1e-4)
    assert results['mIoU'] == pytest.approx(
        np.round(np.nanmean(iou) * 100, 2), abs=1e-4
    )


def test_absent_classes_do_not_count_and_nan_to_num_applies():
    samples = predictions(1)
    subset = dict(pair=['truck', 'train'])  # truck: IoU 0, train: absent
    assert evaluate(SubsetIoUMetric(class_subsets=subset), samples)[
        'pair'
    ] == pytest.approx(0.0)
    with_zero = SubsetIoUMetric(class_subsets=subset, nan_to_num=0)
    assert evaluate(with_zero, samples)['pair'] == 0.0


def test_unknown_class_fails_when_the_dataset_is_known():
    metric = SubsetIoUMetric(class_subsets=dict(mIoU2=['road', 'lorry']))
    with pytest.raises(ValueError) as info:
        metric.dataset_meta = META
    assert str(info.value).startswith(
        "SubsetIoUMetric: subset 'mIoU2' names classes the dataset does not "
        "have: 'lorry'; its classes are 'road', 'sidewalk',"
    )


def test_subset_names_and_contents_are_checked():
    with pytest.raises(ValueError) as info:
        SubsetIoUMetric(class_subsets=dict(mIoU=['road']))
    assert str(info.value) == (
        "SubsetIoUMetric: subset name 'mIoU' would overwrite IoUMetric's "
        'own result'
    )
    with pytest.raises(ValueError, match="subset 'x' is empty"):
        SubsetIoUMetric(class_subsets=dict(x=[]))
