"""Check the model against its config before the first iteration.

What would otherwise fail at the first iteration with a shape error that
names no config key (a head built for other channels than its input, a PFR
stage the backbone lacks) fails here, in one line naming the key
(:func:`mmseg_pfr.models.uda.model_check.check_model`: one forward of a
small zero image, seconds). ``tools/train.py`` adds this hook;
``--no-model-check`` leaves it out.
"""

from typing import Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS

from ...models.uda.model_check import check_model


@HOOKS.register_module()
class ModelCheckHook(Hook):
    """Raise ``ModelCheckError`` before training when a config key does not
    fit the model.

    Args:
        input_size: (h, w) of the zero image forwarded.
    """

    priority = 'VERY_HIGH'

    def __init__(self, input_size: Sequence[int] = (64, 64)) -> None:
        self.input_size = tuple(input_size)

    def before_train(self, runner) -> None:
        model = runner.model
        model = model.module if is_model_wrapper(model) else model
        check_model(model, self.input_size)
