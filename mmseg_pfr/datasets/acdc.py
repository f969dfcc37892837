"""ACDC (Adverse Conditions Dataset with Correspondences) in its official
layout."""

from mmseg.registry import DATASETS

from .condition_dataset import ConditionDataset
from .layout import DatasetLayout

ACDC_CONDITIONS = ('fog', 'night', 'rain', 'snow')


@DATASETS.register_module()
class ACDCDataset(ConditionDataset):
    """ACDC: 1920x1080 driving images in fog, at night, in rain and in
    snow, with Cityscapes' 19 classes; 400 train, 100 val (night 106) and
    500 test images per condition.

    Official layout under ``data_root`` (``rgb_anon_trainvaltest.zip`` and
    ``gt_trainval.zip``)::

        rgb_anon/<condition>/<split>/<sequence>/<frame>_rgb_anon.png
        rgb_anon/<condition>/<split>_ref/...     daytime references, not read
        gt/<condition>/{train,val}/<sequence>/<frame>_gt_labelTrainIds.png
                                                 (beside _gt_labelIds.png,
                                                 _gt_labelColor.png, ...)

    The test labels are withheld for ACDC's test server. DAFormer, HRDA
    and MIC adapt to the train images of all four conditions, unlabelled,
    and validate on the val images of all four; their published numbers
    are the test server's.

    Takes the arguments of :class:`ConditionDataset`: ``split`` (``'train'``,
    ``'val'`` or ``'test'``) and ``conditions`` (default all four).
    """

    SPLITS = {split: ACDC_CONDITIONS for split in ('train', 'val', 'test')}
    LABELLED = {'train': ACDC_CONDITIONS, 'val': ACDC_CONDITIONS}
    FOLDER = '{condition}/{split}'
    LAYOUT = DatasetLayout(
        description='the official ACDC layout: '
        'rgb_anon/<condition>/<split>/<sequence>/*_rgb_anon.png and '
        'gt/<condition>/<split>/<sequence>/*_gt_labelTrainIds.png '
        '(conditions fog, night, rain, snow; labels for train and val), '
        'from rgb_anon_trainvaltest.zip and gt_trainval.zip '
        '(https://acdc.vision.ee.ethz.ch/download)'
    )
    LABELS_FROM = (
        'the *_gt_labelTrainIds.png of gt_trainval.zip '
        '(https://acdc.vision.ee.ethz.ch/download), which come beside its '
        '*_gt_labelIds.png (Cityscapes label ids, not read)'
    )
