"""HRDA's pseudo-label margins: marked on the whole target image, cropped
with it by mmseg's RandomCrop, flipped with it when the UDA model reads
them, and zeroing the teacher's pseudo-label weights there."""

from pathlib import Path

import numpy as np
import pytest
import torch
from helpers import uda_batch, uda_model_cfg
from mmengine.structures import BaseDataElement
from mmseg.registry import MODELS, TRANSFORMS

from mmseg_pfr.datasets.transforms import PseudoLabelMargins
from mmseg_pfr.models.uda.pseudo_margins import margin_weights


def position_image(h: int, w: int) -> np.ndarray:
    """An image whose pixels say where they are: (row, column, 0)."""
    rows, cols = np.mgrid[:h, :w]
    return np.stack([rows, cols, 0 * rows], axis=-1).astype(np.uint8)


def test_the_margins_of_the_image_scaled_with_its_resize():
    out = PseudoLabelMargins((3, 10, 2, 4)).transform(
        dict(img=np.zeros((40, 60, 3), np.uint8), scale_factor=(0.5, 0.5))
    )
    valid = out['pseudo_valid']
    rows, cols = np.nonzero(valid)
    # (3, 10, 2, 4) px of the loaded image, halved by the resize before.
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (2, 34, 1, 57)
    assert out['seg_fields'] == ['pseudo_valid']


def test_the_crop_takes_the_mask_with_the_image():
    results = dict(img=position_image(40, 60))
    results = PseudoLabelMargins((5, 8, 3, 3)).transform(results)
    full = results['pseudo_valid'].copy()
    crop = TRANSFORMS.build(dict(type='RandomCrop', crop_size=(16, 24)))
    np.random.seed(0)
    out = crop.transform(results)
    y, x = int(out['img'][0, 0, 0]), int(out['img'][0, 0, 1])
    np.testing.assert_array_equal(
        out['pseudo_valid'], full[y : y + 16, x : x + 24]
    )


def sample(mask, **meta):
    return BaseDataElement(metainfo=dict(pseudo_valid=mask, **meta))


def test_flipped_and_padded_as_the_batch():
    mask = np.array([[1, 0, 0], [1, 1, 0]], np.uint8)
    weights = margin_weights(
        [sample(mask), sample(mask, flip=True, flip_direction='horizontal')],
        (3, 4),
        torch.device('cpu'),
    )
    assert weights.tolist() == [
        [[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]],
        [[0, 0, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]],
    ]
    assert margin_weights([BaseDataElement()], (3, 4), 'cpu') is None
    with pytest.raises(ValueError, match='some target images carry'):
        margin_weights([sample(mask), BaseDataElement()], (3, 4), 'cpu')


def test_the_teachers_weights_are_zero_in_the_margins():
    model = MODELS.build(uda_model_cfg(lambda_st=1.0, self_training=True))
    model.teacher.pseudo_threshold = -1.0  # every pixel confident: weight 1
    batch = uda_batch(2, (32, 48))
    valid = np.ones((32, 48), np.uint8)
    valid[:4] = 0
    for target in batch['target']['data_samples']:
        target.set_metainfo(dict(pseudo_valid=valid))
    source, target = model.preprocess(batch)
    step = model.forward_step(source, target)
    weight = step.pseudo_labels().weight
    assert (weight[:, :4] == 0).all() and (weight[:, 4:] == 1).all()


def test_the_hrda_configs_target_pipeline_packs_the_margins(tmp_path):
    """A Cityscapes frame through the HRDA configs' margins pipeline: a
    1024x1024 crop whose mask came with it, in the sample's metainfo."""
    from mmcv.transforms import Compose
    from mmengine.config import Config
    from PIL import Image

    root = Path(__file__).resolve().parents[2]
    cfg = Config.fromfile(
        str(root / 'configs/_base_/datasets/'
            'uda_gtaHR_to_cityscapesHR_1024x1024.py')
    )  # fmt: skip
    path = tmp_path / 'frame_leftImg8bit.png'
    Image.fromarray(position_image(1024, 2048)).save(path)
    np.random.seed(1)
    out = Compose(cfg.cityscapes_hrda_margins_pipeline)(
        dict(img_path=str(path))
    )
    meta = out['data_samples'].metainfo
    assert meta['pseudo_valid'].shape == (1024, 1024)
    weights = margin_weights([out['data_samples']], (1024, 1024), 'cpu')[0]
    # The crop spans the frame's height: its 30 top and 240 bottom rows;
    # of its width, at most the 30 columns of a side margin, at one end.
    assert (weights[:30] == 0).all() and (weights[-240:] == 0).all()
    middle = weights[500]
    zeros = int((middle == 0).sum())
    assert zeros <= 30 and middle[zeros : 1024 - zeros].min() == 1
    assert middle[:zeros].sum() == 0 or middle[1024 - zeros :].sum() == 0
