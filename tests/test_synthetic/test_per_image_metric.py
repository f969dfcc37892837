"""PerImageIoUMetric in a real mmengine test loop over fixed predictions:
its per-image areas sum to IoUMetric's, and reproduce its logged mIoU."""

import json

import numpy as np
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.evaluation import IoUMetric
from mmseg.structures import SegDataSample
from torch.utils.data import Dataset

from mmseg_pfr.synthetic.results import domain_scores
from mmseg_pfr.synthetic.statistics import miou_of_sums

CLASSES = ('a', 'b', 'c')


def pair(index: int):
    """A 6x6 label and a prediction wrong on its first two rows."""
    gen = torch.Generator().manual_seed(index)
    label = torch.randint(0, 3, (1, 6, 6), generator=gen)
    label[0, 5, :2] = 255  # ignored pixels
    pred = label.clone().clamp(max=2)
    pred[:, :2] = torch.randint(0, 3, (1, 2, 6), generator=gen)
    return label, pred


class Split(Dataset):
    metainfo = dict(classes=CLASSES)

    def __len__(self) -> int:
        return 5

    def __getitem__(self, index: int) -> dict:
        label, pred = pair(index)
        sample = SegDataSample(gt_sem_seg=PixelData(data=label))
        sample.set_metainfo(dict(img_path=f'/data/img/{index:06d}.png'))
        return dict(inputs=pred, data_samples=sample)


class Replay(BaseModel):
    def forward(self, inputs, data_samples=None, mode='predict'):
        for pred, sample in zip(inputs, data_samples):
            sample.pred_sem_seg = PixelData(data=pred)
        return data_samples


@pytest.fixture(scope='module')
def evaluated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('metric')
    runner = Runner(
        model=Replay(),
        work_dir=str(tmp / 'work'),
        test_dataloader=dict(
            dataset=Split(),
            batch_size=2,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
        ),
        test_cfg=dict(),
        test_evaluator=dict(
            type='PerImageIoUMetric', per_image_out=str(tmp / 'areas.json')
        ),
        default_scope='mmseg',
    )
    metrics = runner.test()
    return metrics, json.loads((tmp / 'areas.json').read_text())


def test_areas_are_per_image_and_sum_to_the_metric(evaluated):
    metrics, areas = evaluated
    assert areas['classes'] == list(CLASSES)
    assert areas['images'] == [f'{i:06d}' for i in range(5)]
    for index in range(5):
        label, pred = pair(index)
        expected = IoUMetric.intersect_and_union(pred[0], label[0], 3, 255)
        assert areas['intersect'][index] == expected[0].long().tolist()
        assert areas['union'][index] == expected[1].long().tolist()
    total = miou_of_sums(
        np.sum(areas['intersect'], 0), np.sum(areas['union'], 0)
    )
    assert float(total) == pytest.approx(metrics['mIoU'], abs=0.005)
    assert domain_scores(areas, metrics['mIoU'])['mIoU'] == round(
        metrics['mIoU'], 2
    )
