"""A UDA run on the real data path (UDADataset, UDAInfiniteSampler,
NoReplayIterBasedTrainLoop, a Cityscapes-layout val set, SubsetIoUMetric)
through mmengine's runner: resuming from a checkpoint gives the
uninterrupted run's weights, with random augmentations and with any number
of data loader workers, and loads no sample of the iterations already
trained; with rare-class sampling drawing the source images too."""

import pytest
import torch
from helpers import tiny_segmentor_cfg, toy_training_config
from mmengine.config import Config
from mmengine.runner import Runner
from test_datasets.logged_uda_dataset import (
    loaded_positions,
    loaded_samples,
)
from test_datasets.rare_class_data import rare_class_uda_cfg
from test_datasets.test_uda_dataset import augmented
from test_datasets.tiny_configs import uda_dataset_cfg

from mmseg_pfr.datasets import SYNTHIA_16_CLASSES


def dataset_cfg(tmp_path, rare_class: bool) -> dict:
    """The paired dataset, with random crops (and flips) of 32x32, which
    D's five stride-2 convolutions need."""
    if rare_class:
        return rare_class_uda_cfg(tmp_path, crop=(32, 32))
    dataset = uda_dataset_cfg(tmp_path)
    for domain in ('source', 'target'):
        pipeline = dataset[domain]['pipeline']
        dataset[domain]['pipeline'] = augmented(pipeline, crop=(32, 32))
    return dataset


def run(
    tmp_path,
    work_dir: str,
    num_workers: int,
    resume_from=None,
    rare_class=False,
):
    """Four iterations of batch 2, checkpoints at 2 and 4."""
    cfg = toy_training_config(str(tmp_path / work_dir), max_iters=4)
    cfg['train_cfg']['type'] = 'NoReplayIterBasedTrainLoop'
    cfg['model']['segmentor'] = tiny_segmentor_cfg(num_classes=19)
    dataset = dataset_cfg(tmp_path, rare_class)
    dataset.update(
        type='PositionLoggingUDADataset',
        log_file=str(tmp_path / f'{work_dir}.log'),
    )
    cfg['train_dataloader'].update(
        dataset=dataset,
        num_workers=num_workers,
        sampler=dict(type='UDAInfiniteSampler', shuffle=True),
    )
    val = dict(
        type='CityscapesDataset',
        data_root=str(tmp_path / 'cityscapes'),
        data_prefix=dict(
            img_path='leftImg8bit/val', seg_map_path='gtFine/val'
        ),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(96, 64), keep_ratio=True),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs'),
        ],
        serialize_data=False,
    )
    cfg['val_dataloader']['dataset'] = val
    cfg['val_evaluator'] = dict(
        type='SubsetIoUMetric',
        class_subsets=dict(mIoU16=list(SYNTHIA_16_CLASSES)),
    )
    if resume_from:
        cfg.update(resume=True, load_from=str(resume_from))
    runner = Runner.from_cfg(Config(cfg))
    runner.train()
    return runner


@pytest.mark.parametrize('rare_class', [False, True], ids=['plain', 'rcs'])
def test_resumed_run_matches_the_uninterrupted_one(
    tmp_path, monkeypatch, rare_class
):
    # The runner logs and dumps its config; formatting the nested dataset
    # configs with yapf would take most of this test's time.
    monkeypatch.setattr(
        Config, 'pretty_text', property(lambda cfg: repr(cfg.to_dict()))
    )
    whole = run(tmp_path, 'whole', num_workers=0, rare_class=rare_class)
    assert 0 <= whole.message_hub.get_scalar('val/mIoU16').current() <= 100
    assert loaded_positions(tmp_path / 'whole.log') == list(range(8))
    # Resumed at iteration 2 with two workers, which prepare batches in
    # their own processes and load ahead of training.
    resumed = run(
        tmp_path,
        'resumed',
        2,
        resume_from=tmp_path / 'whole/iter_2.pth',
        rare_class=rare_class,
    )
    loaded = loaded_positions(tmp_path / 'resumed.log')
    assert min(loaded) == 4  # nothing of the first two iterations
    assert set(range(4, 8)) <= set(loaded)
    # The samples the resumed run trained on are the uninterrupted run's.
    samples = loaded_samples(tmp_path / 'whole.log')
    resumed_samples = loaded_samples(tmp_path / 'resumed.log')
    assert all(resumed_samples[p] == samples[p] for p in range(4, 8))
    drawn = {c for _, c in samples.values()}
    assert (None in drawn) != rare_class  # the sources were drawn by RCS
    expected = whole.model.state_dict()
    got = resumed.model.state_dict()
    assert all(torch.equal(expected[k], got[k]) for k in expected)
