"""Cityscapes' 19 evaluation classes as the generator names them.

The generator writes train ids (0..18, 255 ignored), the ids mmseg's
``CityscapesDataset`` evaluates. The official on-disk layouts store
Cityscapes *label ids* (0..33) instead, so the exporter maps back with the
inverse of the real-data loaders' own table. Names, order and palette are
mmseg's Cityscapes ones, shared with every other dataset of the project.
"""

from enum import IntEnum

import numpy as np

from mmseg_pfr.datasets import label_maps

METAINFO = label_maps.CITYSCAPES_METAINFO
IGNORE_INDEX = label_maps.IGNORE_INDEX


class TrainId(IntEnum):
    """Train ids in ``METAINFO['classes']`` order."""

    ROAD = 0
    SIDEWALK = 1
    BUILDING = 2
    WALL = 3
    FENCE = 4
    POLE = 5
    TRAFFIC_LIGHT = 6
    TRAFFIC_SIGN = 7
    VEGETATION = 8
    TERRAIN = 9
    SKY = 10
    PERSON = 11
    RIDER = 12
    CAR = 13
    TRUCK = 14
    BUS = 15
    TRAIN = 16
    MOTORCYCLE = 17
    BICYCLE = 18


# Lookup table train id -> Cityscapes label id; every other value,
# ignore included, -> 0 ('unlabeled').
TRAIN_TO_LABEL_ID = np.zeros(256, dtype=np.uint8)
for _label_id, _train_id in label_maps.CITYSCAPES_ID_TO_TRAIN_ID.items():
    TRAIN_TO_LABEL_ID[_train_id] = _label_id
