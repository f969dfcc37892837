"""GTA5 ("Playing for Data") in its official layout."""

from mmseg.registry import DATASETS

from .layout import DatasetLayout
from .raw_label_dataset import RawLabelDataset


@DATASETS.register_module()
class GTADataset(RawLabelDataset):
    """GTA5: 24,966 synthetic frames (1914x1052) with Cityscapes labels.

    Official layout under ``data_root``::

        images/00001.png ... 24966.png   RGB frames
        labels/00001.png ... 24966.png   palette PNGs, values = Cityscapes
                                         label ids (0-33)

    The label ids are mapped to the 19 Cityscapes train ids at load time;
    after ``tools/dataset_converters/gta.py`` has run,
    ``label_encoding='train_ids'`` reads its ``labels/*_labelTrainIds.png``
    instead, and its ``excluded.txt`` (blank labels such as 15188 and 17705,
    unreadable files, images without labels) is honoured in both modes.
    Labels a few pixels off their image's size are resized to it.

    Takes the arguments of :class:`RawLabelDataset`.
    """

    RAW_ENCODING = 'cityscapes_ids'
    LAYOUT = DatasetLayout(
        description='the official GTA5 layout: images/NNNNN.png with '
        'labels/NNNNN.png (Cityscapes label ids in palette PNGs)',
        converter='python tools/dataset_converters/gta.py {data_root}',
    )
    DEFAULT_PREFIX = dict(img_path='images', seg_map_path='labels')
