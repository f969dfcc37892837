"""A UDA run on the real data path (UDADataset, UDAInfiniteSampler, a
Cityscapes-layout val set, SubsetIoUMetric) through mmengine's runner:
resuming from a checkpoint gives the uninterrupted run's weights."""

import torch
from helpers import tiny_segmentor_cfg, toy_training_config
from mmengine.config import Config
from mmengine.runner import Runner
from test_datasets.tiny_configs import uda_dataset_cfg

from mmseg_pfr.datasets import SYNTHIA_16_CLASSES


def run(tmp_path, work_dir: str, max_iters: int, resume_from=None):
    cfg = toy_training_config(str(tmp_path / work_dir), max_iters=4)
    cfg['train_cfg']['max_iters'] = max_iters
    cfg['model']['segmentor'] = tiny_segmentor_cfg(num_classes=19)
    cfg['model']['discriminator']['num_classes'] = 19
    cfg['train_dataloader'].update(
        dataset=uda_dataset_cfg(tmp_path),
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


def test_resumed_run_matches_the_uninterrupted_one(tmp_path, monkeypatch):
    # The runner logs and dumps its config; formatting the nested dataset
    # configs with yapf would take most of this test's time.
    monkeypatch.setattr(
        Config, 'pretty_text', property(lambda cfg: repr(cfg.to_dict()))
    )
    whole = run(tmp_path, 'whole', max_iters=4)  # checkpoints at 2 and 4
    assert 0 <= whole.message_hub.get_scalar('val/mIoU16').current() <= 100
    resumed = run(
        tmp_path, 'resumed', 4, resume_from=tmp_path / 'whole/iter_2.pth'
    )
    expected = whole.model.state_dict()
    got = resumed.model.state_dict()
    assert all(torch.equal(expected[k], got[k]) for k in expected)
