"""Check the model against its config and its training data before the
first iteration.

What would otherwise fail at the first iteration with a shape error that
names no config key (a head built for other channels than its input, a PFR
stage the backbone lacks), fail later (a ``test_cfg`` validation cannot
use) or train something else than meant (a head for another dataset's
classes, a preprocessor padding every crop to a zoo config's size) fails
here, in one line naming the key
(:func:`mmseg_pfr.models.uda.model_check.check_model`: one forward of a
small zero image and one ``predict``, seconds; the padding on the first
batch, before its forward). What trains but may not be meant (PFR on a
single stage) is logged as a warning. ``tools/train.py`` adds this hook;
``--no-model-check`` leaves it out.
"""

import logging
from typing import Dict, Optional, Sequence, Tuple

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS

from ...models.uda.model_check import check_crops, check_model


def batch_crops(batch: dict) -> Dict[str, Tuple[int, int]]:
    """(h, w) of each domain's first image in a collated batch: ``{'train':
    ...}`` for a plain dataset's, ``{'source': ..., 'target': ...}`` for a
    paired UDA dataset's."""
    if 'inputs' in batch:
        return {'train': tuple(batch['inputs'][0].shape[-2:])}
    return {
        name: tuple(part['inputs'][0].shape[-2:])
        for name, part in batch.items()
        if isinstance(part, dict) and part.get('inputs')
    }


def dataset_classes(dataset) -> Optional[int]:
    """The class count a training dataset declares (None if none)."""
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
    return None if classes is None else len(classes)


def _unwrapped(runner):
    model = runner.model
    return model.module if is_model_wrapper(model) else model


@HOOKS.register_module()
class ModelCheckHook(Hook):
    """Raise ``ModelCheckError`` before training when a config key does not
    fit the model or its training data: the model and the dataset's
    classes before the run, the preprocessor's padding on the first batch
    (before the first iteration's forward; reading a sample earlier would
    draw from the run's random generators).

    Args:
        input_size: (h, w) of the zero image forwarded.
    """

    priority = 'VERY_HIGH'

    def __init__(self, input_size: Sequence[int] = (64, 64)) -> None:
        self.input_size = tuple(input_size)
        self._crops_checked = False

    def before_train(self, runner) -> None:
        classes = dataset_classes(runner.train_loop.dataloader.dataset)
        for note in check_model(_unwrapped(runner), self.input_size, classes):
            print_log(note, logger='current', level=logging.WARNING)

    def before_train_iter(
        self, runner, batch_idx: int, data_batch: Optional[dict] = None
    ) -> None:
        if self._crops_checked or data_batch is None:
            return
        self._crops_checked = True
        check_crops(_unwrapped(runner), batch_crops(data_batch))
