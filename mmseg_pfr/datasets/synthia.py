"""SYNTHIA (RAND-CITYSCAPES) in its official layout."""

from mmseg.registry import DATASETS

from .label_maps import CITYSCAPES_METAINFO, SYNTHIA_ID_TO_TRAIN_ID
from .layout import DatasetLayout
from .raw_label_dataset import RawLabelDataset

_CLASSES = CITYSCAPES_METAINFO['classes']

# The classes SYNTHIA -> Cityscapes results are reported on: the 16 that
# SYNTHIA labels, and the 13 of them without wall, fence and pole that
# AdaptSegNet evaluated and later papers report beside the 16.
SYNTHIA_16_CLASSES = tuple(
    _CLASSES[i] for i in sorted(SYNTHIA_ID_TO_TRAIN_ID.values())
)
SYNTHIA_13_CLASSES = tuple(
    c for c in SYNTHIA_16_CLASSES if c not in ('wall', 'fence', 'pole')
)


@DATASETS.register_module()
class SynthiaDataset(RawLabelDataset):
    """SYNTHIA RAND-CITYSCAPES: 9,400 synthetic frames (1280x760).

    Official layout under ``data_root``::

        RGB/0000000.png ...         RGB frames
        GT/LABELS/0000000.png ...   16-bit PNGs, class id (0-22) in the red
                                    channel, instance id in green

    Labels are read with ``cv2.IMREAD_UNCHANGED`` (Pillow cannot decode
    16-bit colour PNGs) and their class ids mapped to the 19 Cityscapes
    train ids at load time; terrain, truck and train never occur. After
    ``tools/dataset_converters/synthia.py`` has run,
    ``label_encoding='train_ids'`` reads its
    ``GT/LABELS/*_labelTrainIds.png`` instead.

    Takes the arguments of :class:`RawLabelDataset`.
    """

    RAW_ENCODING = 'synthia_ids'
    LAYOUT = DatasetLayout(
        description='the official SYNTHIA RAND-CITYSCAPES layout: '
        'RGB/NNNNNNN.png with GT/LABELS/NNNNNNN.png (16-bit, class id in '
        'the red channel)',
        converter='python tools/dataset_converters/synthia.py {data_root}',
    )
    DEFAULT_PREFIX = dict(img_path='RGB', seg_map_path='GT/LABELS')
