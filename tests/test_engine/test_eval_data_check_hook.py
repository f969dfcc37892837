"""Broken validation data stops training before the first iteration."""

import sys
from pathlib import Path

import pytest
from helpers import toy_training_config
from mmengine.config import Config
from mmengine.runner import Runner

from mmseg_pfr.datasets.layout import DatasetLayoutError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'test_datasets'))
from dataset_layouts import make_cityscapes  # noqa: E402


def runner_with_cityscapes_val(tmp_path: Path, train_ids: bool) -> Runner:
    root = make_cityscapes(tmp_path / 'cityscapes', train_ids=train_ids)
    cfg = Config(toy_training_config(str(tmp_path / 'work'), max_iters=1))
    cfg.custom_hooks = [dict(type='EvalDataCheckHook')]
    cfg.val_dataloader.dataset = dict(
        type='CityscapesDataset',
        data_root=str(root),
        data_prefix=dict(
            img_path='leftImg8bit/val', seg_map_path='gtFine/val'
        ),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs'),
        ],
    )
    return Runner.from_cfg(cfg)


def test_missing_val_labels_stop_training_before_it_starts(tmp_path):
    runner = runner_with_cityscapes_val(tmp_path, train_ids=False)
    with pytest.raises(
        DatasetLayoutError, match='2 of 2 images have no label'
    ):
        runner.train()
    assert not list((tmp_path / 'work').glob('iter_*.pth'))
    assert runner.iter == 0


def test_good_val_data_passes(tmp_path):
    runner = runner_with_cityscapes_val(tmp_path, train_ids=True)
    runner.call_hook('before_train')  # the check alone, no training
