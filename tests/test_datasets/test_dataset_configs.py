"""The dataset config fragments: protocol settings, and batches built from
them on the fixture layouts and on the real frames."""

from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from mmseg.registry import DATASETS
from test_datasets.dataset_layouts import (
    DOCUMENTED_CITYSCAPES,
    make_cityscapes,
    make_gta,
    make_synthia,
    realdata,
    reference_train_ids,
    write_palette_label,
)

from mmseg_pfr.datasets import SYNTHIA_13_CLASSES, SYNTHIA_16_CLASSES

CONFIGS = Path(__file__).resolve().parents[2] / 'configs/_base_/datasets'


def load(name: str) -> Config:
    return Config.fromfile(str(CONFIGS / name))


def pipeline_types(pipeline):
    return [t['type'] for t in pipeline]


@pytest.mark.parametrize(
    'name, source_type, source_root, scale',
    [
        ('uda_gta_to_cityscapes.py', 'GTADataset', 'data/gta', (1280, 720)),
        (
            'uda_synthia_to_cityscapes.py',
            'SynthiaDataset',
            'data/synthia',
            (1280, 760),
        ),
    ],
)
def test_uda_configs_follow_the_adaptsegnet_protocol(
    name, source_type, source_root, scale
):
    cfg = load(name)
    train = cfg.train_dataloader
    assert train.batch_size == 1
    assert train.sampler.type == 'UDAInfiniteSampler'
    source, target = train.dataset.source, train.dataset.target
    assert (train.dataset.type, source.type) == ('UDADataset', source_type)
    assert source.data_root == source_root
    assert pipeline_types(source.pipeline) == [
        'LoadImageFromFile',
        'LoadTrainIdAnnotations',
        'Resize',
        'PackSegInputs',
    ]
    assert source.pipeline[2].scale == scale
    assert target.type == 'CityscapesDataset'
    assert target.data_root == 'data/cityscapes'
    assert target.pipeline[1].scale == (1024, 512)
    assert 'LoadAnnotations' not in pipeline_types(target.pipeline)
    val = cfg.val_dataloader.dataset
    assert val.data_prefix.img_path == 'leftImg8bit/val'
    # Resize before LoadAnnotations: labels keep their full size.
    assert pipeline_types(val.pipeline) == [
        'LoadImageFromFile',
        'Resize',
        'LoadAnnotations',
        'PackSegInputs',
    ]
    assert val.pipeline[1].scale == (1024, 512) and val.pipeline[1].keep_ratio
    assert cfg.test_dataloader == cfg.val_dataloader
    assert cfg.val_evaluator.iou_metrics == ['mIoU']
    assert 'custom_imports' not in cfg  # the runtime base imports us


def test_synthia_is_scored_on_16_and_13_classes():
    evaluator = load('uda_synthia_to_cityscapes.py').val_evaluator
    assert evaluator.type == 'SubsetIoUMetric'
    assert tuple(evaluator.class_subsets.mIoU16) == SYNTHIA_16_CLASSES
    assert tuple(evaluator.class_subsets.mIoU13) == SYNTHIA_13_CLASSES
    assert load('uda_gta_to_cityscapes.py').val_evaluator.type == 'IoUMetric'


def point_at(cfg: Config, tmp_path: Path, source: str) -> None:
    """Point a UDA config's datasets at fixture layouts under tmp_path."""
    cfg.train_dataloader.dataset.source.data_root = str(tmp_path / source)
    cfg.train_dataloader.dataset.target.data_root = str(tmp_path / 'cs')
    cfg.val_dataloader.dataset.data_root = str(tmp_path / 'cs')
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.num_workers, loader.persistent_workers = 0, False


@pytest.mark.parametrize(
    'name, source, make, size',
    [
        ('uda_gta_to_cityscapes.py', 'gta', make_gta, (720, 1280)),
        ('uda_synthia_to_cityscapes.py', 'synthia', make_synthia, (760, 1280)),
    ],
)
def test_train_batch_is_what_the_uda_segmentor_takes(
    tmp_path, name, source, make, size
):
    make(tmp_path / source, n=2)
    make_cityscapes(tmp_path / 'cs')
    cfg = load(name)
    point_at(cfg, tmp_path, source)
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    batch = next(iter(loader))
    assert set(batch) == {'source', 'target'}
    (src,), (src_sample,) = batch['source'].values()
    (tgt,), (tgt_sample,) = batch['target'].values()
    assert src.shape == (3,) + size
    assert src_sample.gt_sem_seg.shape == size
    assert tgt.shape == (3, 512, 1024)
    assert 'gt_sem_seg' not in tgt_sample
    assert loader.dataset.metainfo['classes'][0] == 'road'


def test_val_input_is_1024_wide_and_labels_keep_their_size(tmp_path):
    make_cityscapes(tmp_path / 'cs', size=(64, 32))
    cfg = load('uda_gta_to_cityscapes.py')
    point_at(cfg, tmp_path, 'gta')
    loader = Runner.build_dataloader(cfg.val_dataloader, seed=0)
    assert len(loader.dataset) == 2
    batch = next(iter(loader))
    assert batch['inputs'][0].shape == (3, 512, 1024)
    sample = batch['data_samples'][0]
    assert sample.gt_sem_seg.shape == (32, 64) == sample.ori_shape


def test_test_server_settings_in_a_leaf_config(tmp_path):
    make_cityscapes(tmp_path / 'cs', splits={'test': ('berlin',)})
    leaf = tmp_path / 'test_server.py'
    leaf.write_text(
        f"_base_ = ['{CONFIGS}/uda_synthia_to_cityscapes.py']\n"
        'test_dataloader = _base_.cityscapes_test_server_dataloader\n'
        'test_evaluator = _base_.cityscapes_test_server_evaluator\n'
    )
    cfg = Config.fromfile(str(leaf))
    assert cfg.test_evaluator.type == 'CityscapesMetric'
    assert cfg.test_evaluator.format_only and cfg.test_evaluator.keep_results
    loader_cfg = cfg.test_dataloader
    assert loader_cfg.dataset.data_prefix == dict(
        img_path='leftImg8bit/test', seg_map_path='gtFine/test'
    )
    loader_cfg.dataset.data_root = str(tmp_path / 'cs')
    loader_cfg.num_workers, loader_cfg.persistent_workers = 0, False
    batch = next(iter(Runner.build_dataloader(loader_cfg, seed=0)))
    assert batch['inputs'][0].shape == (3, 512, 768)  # 24x16 fixture
    assert 'gt_sem_seg' not in batch['data_samples'][0]
    assert batch['data_samples'][0].img_path.endswith(
        'leftImg8bit/test/berlin/berlin_000000_000019_leftImg8bit.png'
    )
    assert cfg.val_dataloader.dataset.data_prefix.img_path == 'leftImg8bit/val'


def test_real_gta_frame_through_the_gta_training_pipeline(tmp_path):
    frame = realdata('gta5/images/fda_demo_source_unknown_id.png')
    (tmp_path / 'images').mkdir()
    (tmp_path / 'images' / '00001.png').symlink_to(frame)
    # A GTA5-format label (palette PNG of Cityscapes ids) in horizontal
    # bands: sky, building, void, car, road; two rows short, like GTA5's
    # mismatched pairs, so it is resized to the frame first.
    band_ids = np.array([23, 11, 0, 26, 7], np.uint8)
    rows = np.arange(1050) * len(band_ids) // 1050
    ids = np.repeat(band_ids[rows][:, None], 1914, axis=1)
    write_palette_label(tmp_path / 'labels' / '00001.png', ids)
    cfg = load('gta_1280x720.py').gta_train_dataset
    cfg.data_root = str(tmp_path)
    with pytest.warns(UserWarning, match='label is 1914x1050 but its image'):
        sample = DATASETS.build(cfg)[0]
    assert sample['inputs'].shape == (3, 720, 1280)
    assert sample['data_samples'].ori_shape == (1052, 1914)
    label = sample['data_samples'].gt_sem_seg.data[0].numpy()
    assert label.shape == (720, 1280)
    expected_bands = reference_train_ids(band_ids, DOCUMENTED_CITYSCAPES)
    for k, train_id in enumerate(expected_bands):
        # Band k covers output rows [144k, 144k + 144); skip its edges.
        band = label[144 * k + 3 : 144 * k + 141]
        assert (band == train_id).all(), (k, np.unique(band))
    # The image is the real frame, resized (RGB channel means differ).
    assert sample['inputs'].float().mean() > 20


# One environment variable per dataset moves every dataloader that reads it.
ROOT_VARIABLES = {
    'GTADataset': ('GTA_ROOT', 'data/gta'),
    'SynthiaDataset': ('SYNTHIA_ROOT', 'data/synthia'),
    'CityscapesDataset': ('CITYSCAPES_ROOT', 'data/cityscapes'),
}
LEAF_CONFIGS = sorted(
    p for p in CONFIGS.parents[1].rglob('*.py') if '_base_' not in p.parts
)
# A config per dataset fragment: UDA from GTA5 and from SYNTHIA, and GTA5
# alone for a plain mmseg segmentor.
ONE_PER_FRAGMENT = [
    CONFIGS.parents[1] / name
    for name in (
        'pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py',
        'pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_synthia2cityscapes-'
        '1280x760.py',
        'mmseg_baselines/deeplabv3plus_r101-d8_1xb2-80k_gta2cityscapes-'
        '1280x720.py',
    )
]


def dataset_roots(node, where: str = ''):
    """``(where, dataset type, data_root)`` of every dataset in a config."""
    if isinstance(node, dict):
        if 'data_root' in node and 'type' in node:
            yield where, node['type'], node['data_root']
        for key, value in node.items():
            yield from dataset_roots(value, f'{where}.{key}'.lstrip('.'))
    elif isinstance(node, (list, tuple)):
        for k, value in enumerate(node):
            yield from dataset_roots(value, f'{where}[{k}]')


@pytest.mark.parametrize('config', ONE_PER_FRAGMENT, ids=lambda p: p.name)
def test_one_variable_per_dataset_moves_every_dataloader(config, monkeypatch):
    for name, (variable, _) in ROOT_VARIABLES.items():
        monkeypatch.setenv(variable, f'/elsewhere/{name}')
    cfg = Config.fromfile(str(config)).to_dict()
    loaders = [k for k in cfg if k.endswith('_dataloader') and cfg[k]]
    roots = list(dataset_roots({k: cfg[k] for k in loaders}))
    # Every dataloader has its datasets found (train: source and target).
    assert {where.split('.')[0] for where, _, _ in roots} == set(loaders)
    for where, kind, root in roots:
        assert root == f'/elsewhere/{kind}', where


def test_without_the_variables_the_data_is_under_data(monkeypatch):
    for variable, _ in ROOT_VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    cfg = Config.fromfile(str(ONE_PER_FRAGMENT[0])).to_dict()
    roots = list(dataset_roots(cfg))
    assert roots
    for where, kind, root in roots:
        assert root == ROOT_VARIABLES[kind][1], where


def test_no_leaf_config_sets_a_data_root():
    """Leaf configs take their data roots from the fragments, so the
    variables above move every config's data."""
    setting = [
        p.name
        for p in LEAF_CONFIGS
        if 'data_root' in p.read_text() or "'data/" in p.read_text()
    ]
    assert not setting
