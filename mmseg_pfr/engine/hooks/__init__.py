from .eval_data_check_hook import EvalDataCheckHook
from .model_check_hook import ModelCheckHook

__all__ = ['EvalDataCheckHook', 'ModelCheckHook']
