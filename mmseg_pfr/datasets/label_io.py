"""Reading label and image files with messages a user can act on, and
writing converter outputs atomically.

A label file that cannot serve as a label raises :class:`LabelFileError`
naming the file and the reason (unreadable, a colour rendering instead of
ids, an unexpected pixel format), never a bare decoder error or, worse, a
label silently decoded into something else.
"""

import io
import os
from typing import NamedTuple, Optional, Tuple

import cv2
import mmengine.fileio as fileio
import numpy as np
from PIL import Image, UnidentifiedImageError

from .label_maps import LabelEncoding

UNREADABLE_LABEL = 'unreadable label'
COLOUR_LABEL = 'colour label'
LABEL_FORMAT = 'unexpected label format'


class LabelFileError(ValueError):
    """A label file that cannot be used.

    Attributes:
        path: The file.
        reason: The kind of problem: :data:`UNREADABLE_LABEL`,
            :data:`COLOUR_LABEL` or :data:`LABEL_FORMAT`.
        detail: What exactly is wrong with it.
    """

    def __init__(self, path: str, reason: str, detail: str) -> None:
        super().__init__(f'{path}: {reason}: {detail}')
        self.path = path
        self.reason = reason
        self.detail = detail


def read_label(
    path: str,
    encoding: LabelEncoding,
    backend_args: Optional[dict] = None,
) -> np.ndarray:
    """The stored values of a label file, ``(H, W)``, uint8 or uint16.

    Args:
        path: The label file.
        encoding: What the file should hold; decides how it is decoded.
        backend_args: mmengine file backend arguments, as in mmseg datasets.

    Raises:
        LabelFileError: The file is unreadable or is not a label of this
            encoding's format (e.g. an RGB colour rendering).
    """
    try:
        data = fileio.get(path, backend_args=backend_args)
    except OSError as exc:
        raise LabelFileError(path, UNREADABLE_LABEL, str(exc)) from exc
    if encoding.reader == 'cv2':
        return _decode_cv2_label(path, data, encoding)
    return _decode_pillow_label(path, data, encoding)


def _decode_pillow_label(
    path: str, data: bytes, encoding: LabelEncoding
) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data)) as img:
            mode = img.mode
            # Palette indices are the ids; never convert a 'P' image, which
            # would turn the ids into their display colours.
            label = np.asarray(img) if mode in ('L', 'P') else None
    except UnidentifiedImageError as exc:
        raise LabelFileError(
            path, UNREADABLE_LABEL, 'not an image file'
        ) from exc
    except (OSError, ValueError) as exc:  # truncated or corrupt data
        raise LabelFileError(path, UNREADABLE_LABEL, str(exc)) from exc
    if mode in ('RGB', 'RGBA'):
        raise LabelFileError(
            path,
            COLOUR_LABEL,
            f'an {mode} image; expected {encoding.description} in a '
            'single-channel or palette PNG, not a colour rendering',
        )
    if label is None:
        raise LabelFileError(
            path,
            LABEL_FORMAT,
            f'image mode {mode}; expected {encoding.description} in a '
            'single-channel (L) or palette (P) 8-bit PNG',
        )
    return label


def _decode_cv2_label(
    path: str, data: bytes, encoding: LabelEncoding
) -> np.ndarray:
    label = cv2.imdecode(
        np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED
    )
    if label is None:
        raise LabelFileError(path, UNREADABLE_LABEL, 'OpenCV cannot decode it')
    if label.ndim == 2:
        return label
    if label.dtype == np.uint8:
        raise LabelFileError(
            path,
            COLOUR_LABEL,
            f'an 8-bit {label.shape[2]}-channel image; expected '
            f'{encoding.description} (GT/LABELS, not GT/COLOR)',
        )
    # OpenCV orders channels BGR(A): the red channel, which holds the class,
    # is index 2.
    return label[..., 2]


class ImageInfo(NamedTuple):
    """What :func:`read_image_info` found.

    Attributes:
        size: ``(width, height)``.
        single_colour: The one colour every pixel has (its band values,
            e.g. ``(0, 0, 0)``) when the image was decoded and is blank;
            None otherwise.
    """

    size: Tuple[int, int]
    single_colour: Optional[Tuple[int, ...]]


def read_image_info(path: str, decode: bool) -> ImageInfo:
    """The size of an image file and whether it holds a single colour.

    Args:
        path: The image.
        decode: Decode every pixel, which finds truncated or corrupt files
            and images of one colour (a failed render or copy); otherwise
            only the header is read, for the size.

    Raises:
        OSError: The file is missing or unreadable.
    """
    try:
        with Image.open(path) as img:
            if not decode:
                return ImageInfo(img.size, None)
            img.load()
            # Per band (min, max); a single band gives one pair.
            extrema = img.getextrema()
            size = img.size
    except ValueError as exc:  # PIL's DecompressionBombError and kin
        raise OSError(str(exc)) from exc
    if not isinstance(extrema[0], tuple):
        extrema = (extrema,)
    blank = all(low == high for low, high in extrema)
    return ImageInfo(size, tuple(low for low, _ in extrema) if blank else None)


def write_png_atomic(path: str, array: np.ndarray) -> None:
    """Write ``array`` as a PNG at ``path`` so that ``path`` is either
    absent or complete, even if the process dies mid-write."""
    partial = f'{path}.part'
    Image.fromarray(array).save(partial, format='PNG')
    os.replace(partial, path)


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` so that ``path`` is absent or complete."""
    partial = f'{path}.part'
    with open(partial, 'w') as f:
        f.write(text)
    os.replace(partial, path)
