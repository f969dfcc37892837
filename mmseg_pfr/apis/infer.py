"""Predict any images with a trained segmentor and paint the predictions.

The model is built the mmseg way (``mmseg.apis.init_model``), so a UDA
checkpoint, an exported segmentor and a stock mmseg model all work; the
images go through the config's test pipeline and the predictions come back
at each image's own size.
"""

import os
import os.path as osp
from typing import Iterator, List, Sequence, Tuple

import mmcv
import numpy as np
from mmengine.config import Config
from mmseg.apis import inference_model, init_model

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp')


def list_images(path: str) -> List[str]:
    """``path`` itself, or the images under the folder ``path``, sorted."""
    if osp.isfile(path):
        return [path]
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path}: no such image or folder')
    images = sorted(
        osp.join(root, name)
        for root, _, names in os.walk(path)
        for name in names
        if name.lower().endswith(IMAGE_SUFFIXES)
    )
    if not images:
        raise FileNotFoundError(
            f'{path} holds no images ({", ".join(IMAGE_SUFFIXES)})'
        )
    return images


def load_model(config: str, checkpoint: str, device: str = 'cpu'):
    """mmseg's ``init_model``, given a test pipeline when the config names
    one only inside its test data loader (as the dataset fragments do)."""
    cfg = Config.fromfile(config)
    if 'test_pipeline' not in cfg:
        cfg.test_pipeline = cfg.test_dataloader.dataset.pipeline
    return init_model(cfg, checkpoint, device=device)


def colorize(
    label: np.ndarray, palette: Sequence[Sequence[int]]
) -> np.ndarray:
    """An RGB image of a label map; ignored or unknown labels are black."""
    colors = np.zeros((256, 3), np.uint8)
    colors[: len(palette)] = np.asarray(palette, np.uint8)
    return colors[label]


def overlay(
    image_rgb: np.ndarray, color: np.ndarray, opacity: float
) -> np.ndarray:
    """``color`` laid over the image with the given opacity."""
    blend = (1 - opacity) * image_rgb + opacity * color
    return blend.round().astype(np.uint8)


def predict_and_paint(
    model, images: Sequence[str], out_dir: str, opacity: float = 0.5
) -> Iterator[Tuple[str, np.ndarray]]:
    """For every image write ``<name>_pred.png`` (colour-coded prediction)
    and ``<name>_overlay.png`` into ``out_dir``; yield (image, label map)."""
    os.makedirs(out_dir, exist_ok=True)
    palette = model.dataset_meta['palette']
    for path in images:
        result = inference_model(model, path)
        label = result.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
        color = colorize(label, palette)
        image = mmcv.imread(path, channel_order='rgb')
        name = osp.splitext(osp.basename(path))[0]
        for suffix, rgb in (
            ('pred', color),
            ('overlay', overlay(image, color, opacity)),
        ):
            mmcv.imwrite(
                mmcv.rgb2bgr(rgb), osp.join(out_dir, f'{name}_{suffix}.png')
            )
        yield path, label
