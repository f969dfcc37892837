"""Decode an image/label pair and list what is wrong with it.

Shared by the converters (which fix or exclude) and
``tools/misc/check_dataset.py`` (which reports), so both find the same
defects and describe them in the same words.
"""

import os
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple, TypeVar

import cv2
import numpy as np
from mmengine.utils import track_parallel_progress, track_progress

from .label_io import (
    COLOUR_LABEL,
    LABEL_FORMAT,
    UNREADABLE_LABEL,
    LabelFileError,
    read_image_info,
    read_label,
)
from .label_maps import LabelEncoding

# Kinds of finding. The first group makes a pair unusable; the loaders
# handle the second (a label resized to its image, values ignored).
NO_LABEL = 'image without label'
UNREADABLE_IMAGE = 'unreadable image'
BLANK_IMAGE = 'blank image'
BLANK = 'blank label'
SIZE_MISMATCH = 'size mismatch'
OUTSIDE_ENCODING = 'values outside the encoding'
UNUSABLE = (
    NO_LABEL,
    UNREADABLE_IMAGE,
    BLANK_IMAGE,
    UNREADABLE_LABEL,
    COLOUR_LABEL,
    LABEL_FORMAT,
    BLANK,
)
# How LoadTrainIdAnnotations and the converters handle the other kinds.
HANDLING = {
    SIZE_MISMATCH: 'label resized to the image (nearest)',
    OUTSIDE_ENCODING: 'those values set to ignore (255)',
}

# How many distinct offending values a message names.
MAX_VALUES = 8


@dataclass
class Finding:
    """One defect of a pair: its kind (a constant above) and a sentence."""

    kind: str
    message: str


@dataclass
class Inspection:
    """What :func:`inspect_pair` found.

    Attributes:
        findings: Every defect, in the order found.
        train_ids: The label as train ids, at its image's size when that
            is known; None when no label could be read.
    """

    findings: List[Finding] = field(default_factory=list)
    train_ids: Optional[np.ndarray] = None

    @property
    def unusable(self) -> Optional[Finding]:
        """The first defect that makes the pair unusable, if any."""
        return next((f for f in self.findings if f.kind in UNUSABLE), None)


def inspect_image(
    path: str, decode: bool = True
) -> Tuple[Optional[Tuple[int, int]], List[Finding]]:
    """Read an image and say what makes it unusable, if anything.

    Args:
        path: The image file.
        decode: Decode every pixel, which finds corrupt files and images
            of a single colour (a black frame from a failed render or
            copy); otherwise only the header is read.

    Returns:
        Its ``(width, height)`` (None when unreadable) and the findings.
    """
    try:
        info = read_image_info(path, decode=decode)
    except OSError as exc:
        return None, [Finding(UNREADABLE_IMAGE, str(exc))]
    if info.single_colour is not None:
        colour = ', '.join(map(str, info.single_colour))
        return info.size, [
            Finding(
                BLANK_IMAGE,
                f'one colour: every pixel is ({colour})',
            )
        ]
    return info.size, []


def inspect_pair(
    label_path: str,
    encoding: LabelEncoding,
    image_path: Optional[str] = None,
    decode_image: bool = True,
    num_classes: int = 19,
) -> Inspection:
    """Read a label (and its image) and list its defects.

    Args:
        label_path: The label file.
        encoding: What the label should hold.
        image_path: Its image; None checks the label alone.
        decode_image: Decode every image pixel (finds corrupt files and
            images of one colour); otherwise only its header is read, for
            its size.
        num_classes: Train ids below this are classes; for blank labels.

    Returns:
        The findings and the label in train ids.
    """
    result = Inspection()
    if not os.path.exists(label_path):
        result.findings.append(
            Finding(NO_LABEL, f'{label_path} does not exist')
        )
        return result
    size = None
    if image_path is not None:
        size, result.findings = inspect_image(image_path, decode_image)
    try:
        raw = read_label(label_path, encoding)
    except LabelFileError as exc:
        result.findings.append(
            Finding(exc.reason, f'{label_path}: {exc.detail}')
        )
        return result
    present = np.flatnonzero(np.bincount(raw.ravel()))
    outside = np.setdiff1d(present, encoding.valid_values)
    if outside.size:
        named = ', '.join(map(str, outside[:MAX_VALUES]))
        more = ', ...' if outside.size > MAX_VALUES else ''
        result.findings.append(
            Finding(
                OUTSIDE_ENCODING,
                f'values {named}{more} are not {encoding.description}',
            )
        )
    train_ids = encoding.to_train_ids(raw)
    if not np.any(encoding.lut[present] < num_classes):
        result.findings.append(
            Finding(BLANK, f'no pixel of the {num_classes} classes')
        )
    if size is not None and raw.shape != (size[1], size[0]):
        result.findings.append(
            Finding(
                SIZE_MISMATCH,
                f'label {raw.shape[1]}x{raw.shape[0]}, image '
                f'{size[0]}x{size[1]}',
            )
        )
        train_ids = cv2.resize(
            train_ids, size, interpolation=cv2.INTER_NEAREST
        )
    result.train_ids = train_ids
    return result


T = TypeVar('T')


def map_with_progress(
    func: Callable[[T], object], tasks: Sequence[T], nproc: int = 1
) -> list:
    """``[func(t) for t in tasks]`` on ``nproc`` processes, in order, with
    mmengine's progress bar."""
    if nproc > 1:
        return track_parallel_progress(func, list(tasks), nproc)
    return track_progress(func, list(tasks))
