"""Label encodings of the datasets and their mapping to the 19 train ids.

GTA5 and Cityscapes ``*_labelIds.png`` store Cityscapes label ids (0-33),
SYNTHIA stores its own class ids (0-22) in 16 bits; training and evaluation
use the 19 Cityscapes train ids (0-18, 255 = ignore). A
:class:`LabelEncoding` says which values a label file may hold and maps them
to train ids with one lookup-table gather (``lut[label]``), which costs the
same for every image however many ids there are.
"""

import functools
from dataclasses import dataclass
from typing import Dict, Tuple

import numpy as np
from mmseg.datasets import CityscapesDataset

IGNORE_INDEX = 255

# The 19 training classes and their colours, as mmseg's Cityscapes defines
# them; every dataset here shares them so that source and target agree.
CITYSCAPES_METAINFO: dict = CityscapesDataset.METAINFO

# Cityscapes label id -> train id (cityscapesscripts' labels.py); every
# other id (void, and classes not evaluated) is ignored.
CITYSCAPES_ID_TO_TRAIN_ID: Dict[int, int] = {
    7: 0,  # road
    8: 1,  # sidewalk
    11: 2,  # building
    12: 3,  # wall
    13: 4,  # fence
    17: 5,  # pole
    19: 6,  # traffic light
    20: 7,  # traffic sign
    21: 8,  # vegetation
    22: 9,  # terrain
    23: 10,  # sky
    24: 11,  # person
    25: 12,  # rider
    26: 13,  # car
    27: 14,  # truck
    28: 15,  # bus
    31: 16,  # train
    32: 17,  # motorcycle
    33: 18,  # bicycle
}

# SYNTHIA RAND-CITYSCAPES class id -> train id (its README). SYNTHIA has no
# terrain (9), truck (14) or train (16).
SYNTHIA_ID_TO_TRAIN_ID: Dict[int, int] = {
    3: 0,  # road
    4: 1,  # sidewalk
    2: 2,  # building
    21: 3,  # wall
    5: 4,  # fence
    7: 5,  # pole
    15: 6,  # traffic light
    9: 7,  # traffic sign
    6: 8,  # vegetation
    1: 10,  # sky
    10: 11,  # pedestrian -> person
    17: 12,  # rider
    8: 13,  # car
    19: 15,  # bus
    12: 17,  # motorcycle
    11: 18,  # bicycle
}


@dataclass(frozen=True)
class LabelEncoding:
    """How a label file stores its classes.

    Attributes:
        name: Key in :data:`ENCODINGS`, stored in each sample's data info.
        description: What the values are, for messages.
        id_to_train_id: Pairs (stored value, train id); every other value
            maps to :data:`IGNORE_INDEX`.
        valid_values: The values a correct file may hold; any other value
            means a wrong file or a wrong encoding.
        bit_depth: 8 or 16; the lookup table has ``2 ** bit_depth`` entries.
        reader: ``'pillow'`` (single-channel or palette PNG, palette indices
            are the values) or ``'cv2'`` (SYNTHIA's 16-bit colour PNG, class
            in the red channel, which OpenCV returns last).
    """

    name: str
    description: str
    id_to_train_id: Tuple[Tuple[int, int], ...]
    valid_values: Tuple[int, ...]
    bit_depth: int = 8
    reader: str = 'pillow'

    @property
    def lut(self) -> np.ndarray:
        """Train id of every storable value, ``(2 ** bit_depth,)`` uint8."""
        return _lookup_table(self)

    def to_train_ids(self, label: np.ndarray) -> np.ndarray:
        """Map a label of stored values to train ids (uint8, same shape)."""
        return self.lut[label]


@functools.lru_cache(maxsize=None)
def _lookup_table(encoding: LabelEncoding) -> np.ndarray:
    lut = np.full(2**encoding.bit_depth, IGNORE_INDEX, dtype=np.uint8)
    for value, train_id in encoding.id_to_train_id:
        lut[value] = train_id
    lut.flags.writeable = False  # shared by every sample
    return lut


def train_id_encoding(
    num_classes: int = 19, ignore_index: int = IGNORE_INDEX
) -> LabelEncoding:
    """The encoding of train-id labels (``*_labelTrainIds.png``)."""
    return LabelEncoding(
        name='train_ids',
        description=f'train ids 0-{num_classes - 1} and {ignore_index} '
        '(ignore)',
        id_to_train_id=tuple((i, i) for i in range(num_classes)),
        valid_values=tuple(range(num_classes)) + (ignore_index,),
    )


ENCODINGS: Dict[str, LabelEncoding] = {
    'cityscapes_ids': LabelEncoding(
        name='cityscapes_ids',
        description='Cityscapes label ids 0-33',
        id_to_train_id=tuple(CITYSCAPES_ID_TO_TRAIN_ID.items()),
        valid_values=tuple(range(34)),
    ),
    'synthia_ids': LabelEncoding(
        name='synthia_ids',
        description='SYNTHIA class ids 0-22 in the red channel of a 16-bit '
        'PNG',
        id_to_train_id=tuple(SYNTHIA_ID_TO_TRAIN_ID.items()),
        valid_values=tuple(range(23)),
        bit_depth=16,
        reader='cv2',
    ),
    'train_ids': train_id_encoding(),
}


def get_encoding(name: str) -> LabelEncoding:
    """The registered encoding called ``name``."""
    if name not in ENCODINGS:
        raise ValueError(
            f'unknown label encoding {name!r}; known: {", ".join(ENCODINGS)}'
        )
    return ENCODINGS[name]
