"""Check the evaluation data before training starts.

mmengine builds the validation set when training starts but reads its labels
only at the first validation, thousands of iterations in; a missing or
unconverted Cityscapes label (``*_labelTrainIds.png``) would stop the run
there. This hook runs the same cheap layout checks as the training datasets
(every listed image has its label file) before the first iteration.
"""

from mmengine.hooks import Hook
from mmseg.registry import HOOKS

from ...datasets.layout import check_built_dataset


@HOOKS.register_module()
class EvalDataCheckHook(Hook):
    """Fail at once, naming the files, when the validation data is broken."""

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        if runner.val_loop is not None:
            check_built_dataset(runner.val_loop.dataloader.dataset)
