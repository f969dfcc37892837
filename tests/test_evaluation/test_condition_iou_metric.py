"""ConditionIoUMetric: mmseg's IoUMetric plus the mIoU over each condition's
images, checked against a computation by hand, and the per-condition
figures a run logs reaching tools/analysis/results_table.py."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from helpers import log_to_captured_stdout
from mmengine.model import BaseModel
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.datasets import CityscapesDataset
from mmseg.evaluation import IoUMetric
from mmseg.structures import SegDataSample
from torch.utils.data import Dataset

from mmseg_pfr.evaluation import ConditionIoUMetric

META = CityscapesDataset.METAINFO
TOOL = Path(__file__).resolve().parents[2] / 'tools/analysis/results_table.py'
CONDITIONS = ('fog', 'night')
# Three 2x2 images: (condition, label, prediction); 255 is ignored.
IMAGES = (
    ('fog', [[0, 0], [1, 1]], [[0, 1], [1, 1]]),
    ('night', [[0, 2], [2, 255]], [[0, 2], [0, 1]]),
    ('fog', [[1, 1], [1, 1]], [[1, 1], [1, 1]]),
)
# By hand, from the pixels above (intersection / union per class):
# fog (images 1 and 3): road 1/2, sidewalk (2 + 4)/(3 + 4) = 6/7;
# night (image 2): road 1/2, building 1/2 (the ignored pixel's
# prediction does not count); all: road 2/4, sidewalk 6/7, building 1/2.
FOG = (1 / 2 + 6 / 7) / 2
NIGHT = (1 / 2 + 1 / 2) / 2
ALL = (2 / 4 + 6 / 7 + 1 / 2) / 3


def sample(condition, label, pred, with_condition=True) -> SegDataSample:
    meta = dict(img_path=f'{condition}.png')
    if with_condition:
        meta['condition'] = condition
    data = SegDataSample(metainfo=meta)
    data.gt_sem_seg = PixelData(data=torch.tensor([label]))
    data.pred_sem_seg = PixelData(data=torch.tensor([pred]))
    return data


def evaluate(metric, images=IMAGES, **kwargs) -> dict:
    metric.dataset_meta = META
    metric.process(
        {}, [sample(*image, **kwargs).to_dict() for image in images]
    )
    return metric.evaluate(len(images))


def test_condition_means_match_a_computation_by_hand():
    results = evaluate(ConditionIoUMetric(conditions=CONDITIONS))
    assert results['mIoU_fog'] == pytest.approx(round(FOG * 100, 2))
    assert results['mIoU_night'] == pytest.approx(round(NIGHT * 100, 2))
    assert results['mIoU'] == pytest.approx(round(ALL * 100, 2))
    plain = evaluate(IoUMetric())
    assert {k: results[k] for k in plain} == plain  # mmseg's own numbers


def test_the_table_has_each_conditions_class_iou(capsys):
    log_to_captured_stdout('condition-table')
    evaluate(ConditionIoUMetric(conditions=CONDITIONS))
    out = capsys.readouterr().out
    table = out[out.index('per class IoU by condition:') :].splitlines()
    rows = {
        cells[0]: cells[1:]
        for line in table
        if line.startswith('|')
        for cells in [[c.strip() for c in line.strip('|').split('|')]]
    }
    assert rows['Class'] == ['fog', 'night', 'all']
    assert rows['road'] == ['50.0', '50.0', '50.0']
    assert rows['sidewalk'] == ['85.71', 'nan', '85.71']
    assert rows['building'] == ['nan', '50.0', '50.0']
    assert rows['mIoU'] == ['67.86', '50.0', '61.9']


def test_samples_must_name_a_listed_condition():
    with pytest.raises(ValueError) as info:
        evaluate(
            ConditionIoUMetric(conditions=CONDITIONS), with_condition=False
        )
    assert str(info.value) == (
        'ConditionIoUMetric: the data sample of fog.png has no condition. '
        'Read the images with ACDCDataset or DarkZurichConditionDataset, and '
        "add 'condition' to the meta_keys of PackSegInputs in the evaluation "
        'pipeline.'
    )
    with pytest.raises(ValueError) as info:
        evaluate(ConditionIoUMetric(conditions=('fog', 'rain')))
    assert str(info.value) == (
        "ConditionIoUMetric: night.png is of condition 'night', not one of "
        "'fog', 'rain'"
    )


def test_conditions_the_dataset_does_not_read_fail_before_training():
    metric = ConditionIoUMetric(conditions=('fog', 'night', 'rain', 'snow'))
    with pytest.raises(ValueError) as info:
        metric.dataset_meta = dict(META, conditions=('night', 'fog'))
    assert str(info.value) == (
        "ConditionIoUMetric: it reports 'fog', 'night', 'rain', 'snow' but "
        "the dataset reads 'night', 'fog'; give both the same conditions"
    )
    metric.dataset_meta = dict(
        META, conditions=('snow', 'rain', 'night', 'fog')
    )


def test_a_condition_without_images_is_an_error():
    metric = ConditionIoUMetric(conditions=('fog', 'night', 'snow'))
    with pytest.raises(ValueError) as info:
        evaluate(metric)
    assert str(info.value) == (
        "ConditionIoUMetric: no image of 'snow' was evaluated; the images "
        "were of 'fog', 'night'. Set conditions to those the dataset reads."
    )
    with pytest.raises(ValueError, match='conditions is empty'):
        ConditionIoUMetric(conditions=())


class Replay(BaseModel):
    """Predicts what each sample carries as its input."""

    def forward(self, inputs, data_samples=None, mode='predict'):
        for pred, data in zip(inputs, data_samples):
            data.pred_sem_seg = PixelData(data=pred)
        return data_samples


class FakeSplit(Dataset):
    """:data:`IMAGES` as samples whose input is the prediction."""

    metainfo = META

    def __len__(self) -> int:
        return len(IMAGES)

    def __getitem__(self, index: int) -> dict:
        data = sample(*IMAGES[index])
        return dict(inputs=data.pred_sem_seg.data, data_samples=data)


def test_results_table_shows_the_logged_condition_figures(tmp_path):
    runner = Runner(
        model=Replay(),
        work_dir=str(tmp_path / 'acdc_run'),
        val_dataloader=dict(
            dataset=FakeSplit(),
            batch_size=1,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
        ),
        val_cfg=dict(),
        val_evaluator=dict(type='ConditionIoUMetric', conditions=CONDITIONS),
        default_scope='mmseg',
    )
    metrics = runner.val()
    out = tmp_path / 'table.csv'
    done = subprocess.run(
        [sys.executable, str(TOOL), str(tmp_path / 'acdc_run'),
         '--out-csv', str(out)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    header, row = list(csv.reader(out.open()))
    assert header[-3:] == ['mIoU', 'mIoU_fog', 'mIoU_night']
    assert row[0] == 'acdc_run'
    logged = [metrics[k] for k in ('mIoU', 'mIoU_fog', 'mIoU_night')]
    assert [float(v) for v in row[-3:]] == pytest.approx(logged, abs=1e-4)
    assert '| mIoU | mIoU_fog | mIoU_night |' in done.stdout
