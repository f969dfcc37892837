"""Tiny dataset configs over the fixture layouts.

Datasets built in tests skip mmengine's serialisation, whose garbage
collection pass costs a quarter of a second per dataset in a test process.
"""

from pathlib import Path

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS
from test_datasets.dataset_layouts import make_cityscapes, make_gta

SOURCE_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadTrainIdAnnotations'),
    dict(type='PackSegInputs'),
]
TARGET_PIPELINE = [dict(type='LoadImageFromFile'), dict(type='PackSegInputs')]


def build_source_dataset(type_: str, root: Path, **kwargs) -> BaseSegDataset:
    """A ``type_`` (GTADataset, SynthiaDataset) at ``root`` with labels."""
    cfg = dict(type=type_, data_root=str(root), pipeline=SOURCE_PIPELINE)
    return DATASETS.build(dict(cfg, serialize_data=False, **kwargs))


# Large enough for the discriminator's five stride-2 convolutions.
UDA_SIZE = (48, 32)


def uda_dataset_cfg(
    root: Path, n_source: int = 5, per_city: int = 3, **target_kwargs
) -> dict:
    """GTA5 (``n_source`` images) -> Cityscapes train (2 cities x
    ``per_city``) under ``root``, the folders made once per root."""
    if not (root / 'gta').exists():
        make_gta(root / 'gta', n=n_source, size=UDA_SIZE)
        make_cityscapes(root / 'cityscapes', per_city=per_city, size=UDA_SIZE)
    target = dict(
        type='CityscapesDataset',
        data_root=str(root / 'cityscapes'),
        data_prefix=dict(img_path='leftImg8bit/train'),
        pipeline=TARGET_PIPELINE,
        serialize_data=False,
    )
    target.update(target_kwargs)
    return dict(
        type='UDADataset',
        source=dict(
            type='GTADataset',
            data_root=str(root / 'gta'),
            pipeline=SOURCE_PIPELINE,
            serialize_data=False,
        ),
        target=target,
    )
