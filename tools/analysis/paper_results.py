"""Per-class IoU (%) on Cityscapes val that the PFR paper reports for
DeepLab-v2 ResNet-101 adapted from GTA5 (its Table 1), and the class sets of
the GTA5 and SYNTHIA protocols.

Class names are those of mmseg's ``CityscapesDataset``, which ``IoUMetric``
prints in its per-class table; ``SHORT_NAMES`` are the paper's column
headers where they differ. There are no SYNTHIA -> Cityscapes rows: the
project's notes carry only the GTA5 table.
"""

CITYSCAPES_CLASSES = (
    'road',
    'sidewalk',
    'building',
    'wall',
    'fence',
    'pole',
    'traffic light',
    'traffic sign',
    'vegetation',
    'terrain',
    'sky',
    'person',
    'rider',
    'car',
    'truck',
    'bus',
    'train',
    'motorcycle',
    'bicycle',
)
SHORT_NAMES = {
    'traffic light': 'light',
    'traffic sign': 'sign',
    'motorcycle': 'motorbike',
}
# SYNTHIA has no terrain, truck or train; the 13-class protocol also leaves
# out wall, fence and pole.
SYNTHIA_16 = tuple(
    c for c in CITYSCAPES_CLASSES if c not in ('terrain', 'truck', 'train')
)
SYNTHIA_13 = tuple(c for c in SYNTHIA_16 if c not in ('wall', 'fence', 'pole'))
CLASS_SETS = {19: CITYSCAPES_CLASSES, 16: SYNTHIA_16, 13: SYNTHIA_13}

# Method -> (IoU of each of CITYSCAPES_CLASSES, mIoU as published).
GTA5_TO_CITYSCAPES = {
    'AdaptSegNet': (
        (86.5, 36.0, 79.9, 23.4, 23.3, 23.9, 35.2, 14.8, 83.4, 33.3)
        + (75.6, 58.5, 27.6, 73.7, 32.5, 35.4, 3.9, 30.1, 28.1),
        42.4,
    ),
    'CLAN': (
        (87.0, 27.1, 79.6, 27.3, 23.3, 28.3, 35.5, 24.2, 83.6, 27.4)
        + (74.2, 58.6, 28.0, 76.2, 33.1, 36.7, 6.7, 31.9, 31.4),
        43.2,
    ),
    'PFR': (
        (90.8, 40.8, 81.9, 28.4, 24.4, 24.2, 32.0, 17.6, 83.8, 36.6)
        + (72.4, 59.3, 29.0, 82.1, 35.5, 45.6, 3.3, 29.1, 28.6),
        44.5,
    ),
}
# Published rows per class count; empty where we have none.
PAPER_ROWS = {19: GTA5_TO_CITYSCAPES, 16: {}, 13: {}}
