"""Dark Zurich in its official layout."""

from mmseg.registry import DATASETS

from .condition_dataset import ConditionDataset
from .layout import DatasetLayout


@DATASETS.register_module()
class DarkZurichConditionDataset(ConditionDataset):
    """Dark Zurich: 1920x1080 driving images of Zurich by day, at twilight
    and at night, with Cityscapes' 19 classes labelled on 50 val night
    images; train has day, twilight and (2416) night images, unlabelled,
    test 151 night images.

    Official layout under ``data_root`` (``Dark_Zurich_train_anon.zip``,
    ``Dark_Zurich_val_anon.zip``, ``Dark_Zurich_test_anon_withoutGt.zip``)::

        rgb_anon/train/{day,twilight,night}/<sequence>/<frame>_rgb_anon.png
        rgb_anon/{val,test}/night/<sequence>/<frame>_rgb_anon.png
        rgb_anon/{val,test}_ref/day/...     daytime references, not read
        gt/val/night/<sequence>/<frame>_gt_labelTrainIds.png

    HRDA and MIC adapt to ``train/night``, unlabelled, and validate on
    ``val/night``; their published numbers are the test server's (which
    differ much from val's, HRDA's README warns).

    mmseg's own ``DarkZurichDataset`` reads one folder of images; this one
    reads the official layout by split and condition and tags each sample
    with its condition. Takes the arguments of :class:`ConditionDataset`:
    ``split`` (``'train'``, ``'val'`` or ``'test'``) and ``conditions``
    (default every condition of the split).
    """

    SPLITS = {
        'train': ('day', 'twilight', 'night'),
        'val': ('night',),
        'test': ('night',),
    }
    LABELLED = {'val': ('night',)}
    FOLDER = '{split}/{condition}'
    LAYOUT = DatasetLayout(
        description='the official Dark Zurich layout: '
        'rgb_anon/<split>/<condition>/<sequence>/*_rgb_anon.png (train: '
        'day, twilight, night; val and test: night) and '
        'gt/val/night/<sequence>/*_gt_labelTrainIds.png, from '
        'Dark_Zurich_train_anon.zip and Dark_Zurich_val_anon.zip '
        '(https://www.trace.ethz.ch/publications/2019/GCMA_UIoU/)'
    )
    LABELS_FROM = (
        'the *_gt_labelTrainIds.png of Dark_Zurich_val_anon.zip '
        '(https://www.trace.ethz.ch/publications/2019/GCMA_UIoU/)'
    )
