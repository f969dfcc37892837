from .eval_data_check_hook import EvalDataCheckHook

__all__ = ['EvalDataCheckHook']
