"""Predict any images with a trained segmentor and write the predictions.

The model is built the mmseg way (``mmseg.apis.init_model``), so a UDA
checkpoint, an exported segmentor and a stock mmseg model all work; its
weights are checked against the model first (a checkpoint that does not fit
is refused, see ``mmseg_pfr.compat.checkpoint_fit``). The images go through
the config's test pipeline and the predictions come back at each image's
own size. An image that cannot be read is skipped with its reason, and the
others are still predicted; every output file is written whole or not at
all.
"""

import os
import os.path as osp
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Sequence

import cv2
import mmcv
import numpy as np
from mmengine.config import Config
from mmengine.logging import print_log
from mmseg.apis import inference_model, init_model
from mmseg.registry import DATASETS

from ..compat.atomic_files import write_atomically
from ..compat.checkpoint import load_from_local
from ..compat.checkpoint_fit import fit_state_dict, state_dict_of
from ..datasets.label_maps import (
    CITYSCAPES_ID_TO_TRAIN_ID,
    CITYSCAPES_METAINFO,
)

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp')

# --format name -> (file suffix, what the PNG holds).
FORMATS = {
    'color': ('pred', 'the prediction in the dataset palette, RGB'),
    'overlay': ('overlay', 'the palette colours blended over the image'),
    'trainid': (
        'trainid',
        'one channel: the class index (for Cityscapes '
        'models the train ids 0-18)',
    ),
    'labelid': (
        'labelid',
        'one channel: Cityscapes label ids (7 road ... '
        '33 bicycle), what the Cityscapes server evaluates',
    ),
}
DEFAULT_FORMATS = ('color', 'overlay')


class Prediction(NamedTuple):
    """One image's outcome: its label map, or why it was skipped."""

    path: str
    label: Optional[np.ndarray]
    skipped: Optional[str]


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


def dataset_meta(
    cfg: Config, checkpoint: Dict[str, Any], filename: str
) -> Dict[str, Any]:
    """Classes and palette: the checkpoint's ``meta.dataset_meta`` (the
    runner saves it), else the config's test dataset's."""
    meta = checkpoint.get('meta', {}) if 'state_dict' in checkpoint else {}
    if 'dataset_meta' in meta:
        return meta['dataset_meta']
    dataset = cfg.test_dataloader.dataset
    metainfo = dataset.get('metainfo')
    if metainfo is None:
        cls = DATASETS.get(dataset.type)
        metainfo = getattr(cls, 'METAINFO', None) or cls.metainfo
    print_log(
        f'{filename} holds no meta.dataset_meta: classes and palette of '
        f"the config's test dataset ({dataset.type})",
        logger='current',
    )
    return dict(metainfo)


def load_model(config: str, checkpoint: str, device: str = 'cpu'):
    """The config's model with the checkpoint's weights, ready to predict.

    mmseg's ``init_model`` (given a test pipeline when the config names one
    only inside its test data loader, as the dataset fragments do) builds
    it; the weights are loaded here, after :func:`fit_state_dict`, and the
    classes come from :func:`dataset_meta` (mmseg's own fallback reads
    ``model.decode_head``, which a UDA model does not have, and needs a
    ``meta`` a bare state dict does not have).
    """
    cfg = Config.fromfile(config)
    if 'test_pipeline' not in cfg:
        cfg.test_pipeline = cfg.test_dataloader.dataset.pipeline
    model = init_model(cfg, None, device=device)
    loaded = load_from_local(checkpoint, map_location='cpu')
    state = state_dict_of(loaded)
    fit_state_dict(model, state, checkpoint)
    model.load_state_dict(state, strict=False)  # checked just above
    model.dataset_meta = dataset_meta(cfg, loaded, checkpoint)
    return model


def check_formats(model, formats: Sequence[str]) -> None:
    """Raise ValueError for an unknown format, or ``labelid`` with a model
    whose classes are not the 19 Cityscapes ones."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(
            f'unknown --format {", ".join(unknown)}; choose from '
            f'{", ".join(FORMATS)}'
        )
    classes = tuple(model.dataset_meta['classes'])
    if 'labelid' in formats and classes != CITYSCAPES_METAINFO['classes']:
        raise ValueError(
            '--format labelid needs a model of the 19 Cityscapes classes; '
            f'this one predicts {len(classes)} ({", ".join(classes[:3])}, '
            '...): use --format trainid'
        )


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


def to_label_ids(label: np.ndarray) -> np.ndarray:
    """Cityscapes train ids -> label ids; anything else -> 0 (unlabeled)."""
    lut = np.zeros(256, np.uint8)
    for label_id, train_id in CITYSCAPES_ID_TO_TRAIN_ID.items():
        lut[train_id] = label_id
    return lut[label]


def read_image(path: str) -> np.ndarray:
    """The RGB image at ``path``; ValueError saying why it cannot be."""
    try:
        with open(path, 'rb') as file:
            data = file.read()
    except OSError as error:
        raise ValueError(f'cannot be read ({error.strerror})') from None
    if not data:
        raise ValueError('the file is empty')
    image = mmcv.imfrombytes(data, flag='color', channel_order='bgr')
    if image is None:
        raise ValueError('cannot be decoded as an image (damaged?)')
    return mmcv.bgr2rgb(image)


def render(
    fmt: str,
    label: np.ndarray,
    image: np.ndarray,
    palette: Sequence[Sequence[int]],
    opacity: float,
) -> np.ndarray:
    """The picture ``fmt`` asks for: RGB, or one channel of ids."""
    if fmt == 'trainid':
        return label
    if fmt == 'labelid':
        return to_label_ids(label)
    color = colorize(label, palette)
    return color if fmt == 'color' else overlay(image, color, opacity)


def write_png(path: str, picture: np.ndarray) -> None:
    """A PNG of an RGB or one-channel ``picture``, written atomically."""
    bgr = picture if picture.ndim == 2 else mmcv.rgb2bgr(picture)
    ok, encoded = cv2.imencode('.png', bgr)
    if not ok:
        raise RuntimeError(f'could not encode {path} as PNG')
    write_atomically(path, encoded.tobytes())


def output_path(out_dir: str, image: str, root: str, fmt: str) -> str:
    """``OUT/<image's path under root>_<suffix>.png`` (``root`` empty: its
    name alone): same-named images in different subfolders stay apart."""
    name = osp.relpath(image, root) if root else osp.basename(image)
    return osp.join(out_dir, f'{osp.splitext(name)[0]}_{FORMATS[fmt][0]}.png')


def predict_images(
    model,
    images: Sequence[str],
    out_dir: str,
    formats: Sequence[str] = DEFAULT_FORMATS,
    opacity: float = 0.5,
    root: str = '',
) -> Iterator[Prediction]:
    """Predict every readable image and write one PNG per format.

    Args:
        model: From :func:`load_model`.
        images: Image paths.
        out_dir: Output folder.
        formats: Keys of :data:`FORMATS`.
        opacity: Of the colours in the ``overlay`` format.
        root: The folder ``images`` were listed from (their subfolders are
            kept under ``out_dir``), or ``''``.

    Yields:
        A :class:`Prediction` per image, in order; unreadable images are
        skipped with the reason, not raised.
    """
    check_formats(model, formats)
    palette = model.dataset_meta['palette']
    for path in images:
        try:
            image = read_image(path)
        except ValueError as error:
            yield Prediction(path, None, str(error))
            continue
        result = inference_model(model, path)
        label = result.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
        for fmt in formats:
            picture = render(fmt, label, image, palette, opacity)
            write_png(output_path(out_dir, path, root, fmt), picture)
        yield Prediction(path, label, None)
