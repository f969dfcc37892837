"""The Cityscapes -> ACDC and -> Dark Zurich config fragments: protocol
settings, one variable per dataset root, and batches built from them on the
fixture layouts."""

from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.runner import Runner
from mmseg.registry import DATASETS
from test_datasets.adverse_layouts import make_acdc, make_dark_zurich
from test_datasets.dataset_layouts import make_cityscapes
from test_datasets.test_dataset_configs import dataset_roots, pipeline_types

CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
ACDC = CONFIGS / '_base_/datasets/uda_cityscapes_to_acdc.py'
DARK_ZURICH = CONFIGS / '_base_/datasets/uda_cityscapes_to_darkzurich.py'


def load(path: Path) -> Config:
    return Config.fromfile(str(path))


@pytest.mark.parametrize(
    'path, target, conditions, metric',
    [
        (ACDC, 'ACDCDataset', ('fog', 'night', 'rain', 'snow'),
         'ConditionIoUMetric'),
        (DARK_ZURICH, 'DarkZurichConditionDataset', ('night',), 'IoUMetric'),
    ],
)  # fmt: skip
def test_adaptsegnet_protocol_scaled_to_the_pair(
    path, target, conditions, metric
):
    cfg = load(path)
    train = cfg.train_dataloader
    assert (train.batch_size, train.sampler.type) == (1, 'UDAInfiniteSampler')
    source, tgt = train.dataset.source, train.dataset.target
    assert source.type == 'CityscapesDataset'
    assert source.data_prefix == dict(
        img_path='leftImg8bit/train', seg_map_path='gtFine/train'
    )
    assert pipeline_types(source.pipeline) == [
        'LoadImageFromFile', 'LoadAnnotations', 'Resize', 'PackSegInputs'
    ]  # fmt: skip
    assert source.pipeline[2].scale == (1024, 512)
    assert (tgt.type, tgt.split, tgt.conditions) == (target, 'train',
                                                     conditions)  # fmt: skip
    assert 'LoadAnnotations' not in pipeline_types(tgt.pipeline)
    assert tgt.pipeline[1].scale == (960, 540)
    val = cfg.val_dataloader.dataset
    assert (val.type, val.split, val.conditions) == (target, 'val',
                                                     conditions)  # fmt: skip
    assert pipeline_types(val.pipeline) == [
        'LoadImageFromFile', 'Resize', 'LoadAnnotations', 'PackSegInputs'
    ]  # fmt: skip
    assert 'condition' in val.pipeline[3].meta_keys
    assert cfg.test_dataloader == cfg.val_dataloader
    assert cfg.val_evaluator.type == metric
    if metric == 'ConditionIoUMetric':
        assert cfg.val_evaluator.conditions == conditions


@pytest.mark.parametrize('path', [ACDC, DARK_ZURICH], ids=['acdc', 'dz'])
def test_daformer_protocol_crops_both_domains(path):
    cfg = load(path.with_name(path.stem + '_512x512.py'))
    train = cfg.train_dataloader
    assert train.batch_size == 2
    source, target = train.dataset.source, train.dataset.target
    assert pipeline_types(source.pipeline)[2:] == [
        'Resize', 'RareClassRandomCrop', 'RandomFlip', 'PackSegInputs'
    ]  # fmt: skip
    assert source.pipeline[3].crop_size == (512, 512)
    assert target.pipeline[1].scale == (960, 540)
    assert target.pipeline[2] == dict(type='RandomCrop', crop_size=(512, 512))
    assert cfg.rare_class_sampling == dict(
        min_pixels=3000, class_temp=0.01, min_crop_ratio=0.5
    )
    assert 'rare_class_sampling' not in train.dataset


VARIABLES = {
    'CityscapesDataset': 'CITYSCAPES_ROOT',
    'ACDCDataset': 'ACDC_ROOT',
    'DarkZurichConditionDataset': 'DARK_ZURICH_ROOT',
}
LEAVES = sorted((CONFIGS / 'adverse').glob('*.py'))


@pytest.mark.parametrize('config', LEAVES, ids=lambda p: p.name)
def test_one_variable_per_dataset_moves_every_dataloader(config, monkeypatch):
    for kind, variable in VARIABLES.items():
        monkeypatch.setenv(variable, f'/elsewhere/{kind}')
    cfg = load(config).to_dict()
    loaders = {k: cfg[k] for k in cfg if k.endswith('_dataloader')}
    roots = list(dataset_roots(loaders))
    assert {where.split('.')[0] for where, _, _ in roots} == set(loaders)
    for where, kind, root in roots:
        assert root == f'/elsewhere/{kind}', where


def test_acdc_batches_from_the_fixture_layout(tmp_path):
    make_cityscapes(tmp_path / 'cs')
    make_acdc(tmp_path / 'acdc')
    cfg = load(ACDC)
    cfg.train_dataloader.dataset.source.data_root = str(tmp_path / 'cs')
    cfg.train_dataloader.dataset.target.data_root = str(tmp_path / 'acdc')
    cfg.val_dataloader.dataset.data_root = str(tmp_path / 'acdc')
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.num_workers, loader.persistent_workers = 0, False
    batch = next(iter(Runner.build_dataloader(cfg.train_dataloader, seed=0)))
    (source,), (source_sample,) = batch['source'].values()
    (target,), (target_sample,) = batch['target'].values()
    assert source.shape == (3, 512, 1024)
    assert source_sample.gt_sem_seg.shape == (512, 1024)
    assert target.shape == (3, 540, 960)
    assert 'gt_sem_seg' not in target_sample
    val = Runner.build_dataloader(cfg.val_dataloader, seed=0)
    assert len(val.dataset) == 8
    # The metric reports what the dataset reads (checked before training).
    evaluator = Evaluator(cfg.val_evaluator)
    evaluator.dataset_meta = val.dataset.metainfo
    assert evaluator.metrics[0].conditions == ['fog', 'night', 'rain', 'snow']
    batch = next(iter(val))
    sample = batch['data_samples'][0]
    assert batch['inputs'][0].shape == (3, 540, 810)  # 24x16 fixture
    assert sample.gt_sem_seg.shape == (16, 24) == sample.ori_shape
    assert sample.condition == 'fog'
    assert sample.img_path == str(
        tmp_path / 'acdc/rgb_anon/fog/val/GOPR0475/GOPR0475_frame_000100_'
        'rgb_anon.png'
    )


def test_dark_zurich_target_is_train_night(tmp_path):
    make_dark_zurich(tmp_path / 'dz')
    target = load(DARK_ZURICH).train_dataloader.dataset.target
    target.data_root = str(tmp_path / 'dz')
    dataset = DATASETS.build(target)
    paths = [dataset.get_data_info(i)['img_path'] for i in range(3)]
    assert len(dataset) == 3
    assert all('/rgb_anon/train/night/GOPR0347/' in p for p in paths)
    assert dataset[0]['inputs'].shape == (3, 540, 960)
