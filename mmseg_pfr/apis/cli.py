"""What ``tools/train.py`` and ``tools/test.py`` do to a config, as functions
the tools and the tests share (the tools only parse arguments)."""

import argparse
import logging
import os
import os.path as osp
from typing import Callable, Iterable, Optional

from mmengine.config import Config, DictAction
from mmengine.logging import print_log

from ..compat.checkpoint import (
    UnreadableCheckpointError,
    UntrustedCheckpointError,
    trust_checkpoint,
)
from ..compat.checkpoint_fit import CheckpointMismatchError
from ..compat.config_format import load_config_file
from ..compat.config_names import missing_name_message
from ..compat.mmcv_ops import compiled_op_message
from ..datasets.condition_dataset import ConditionError
from ..datasets.layout import DatasetLayoutError
from ..evaluation.server_submission_metric import SubmissionError
from ..models.uda.config_errors import UDAConfigError
from ..models.uda.model_check import ModelCheckError
from ..models.uda.pretrained import PretrainedWeightsError
from ..utils.registry_hint import (
    missing_type_message,
    unexpected_key_message,
    unknown_type_message,
)
from ..utils.tool_errors import fail, require_file
from .resume import (
    ResumeFolderError,
    check_resume_folder,
    choose_resume_checkpoint,
)
from .run_length import cap_logger_interval, shorten_run

# The tools import these from here, with the rest of their command line.
__all__ = [
    'USER_ERRORS',
    'add_common_args',
    'add_trust_argument',
    'apply_cli',
    'enable_amp',
    'fail',
    'load_config',
    'require_file',
    'run_tool',
]

# Errors in what the user gave a tool, each with a message naming the file:
# the tools print them as one line, not a traceback.
USER_ERRORS = (
    CheckpointMismatchError,
    UnreadableCheckpointError,
    UntrustedCheckpointError,
    ModelCheckError,
    UDAConfigError,
    PretrainedWeightsError,
    ResumeFolderError,
    DatasetLayoutError,
    ConditionError,
    SubmissionError,
)

AMP_DTYPES = ('fp16', 'bf16')


def _optim_wrapper_cfgs(cfg: Config) -> list:
    """The optim-wrapper configs of ``cfg``: one, or one per child of a UDA
    model (``constructor='UDAOptimWrapperConstructor'``)."""
    optim = cfg.optim_wrapper
    if optim.get('constructor') == 'UDAOptimWrapperConstructor':
        return [
            child
            for name, child in optim.items()
            if name != 'constructor' and child is not None
        ]
    return [optim]


def enable_amp(cfg: Config, dtype: str = 'fp16') -> None:
    """Switch every optimizer of ``cfg`` to mmengine's ``AmpOptimWrapper``.

    Args:
        cfg: The config, changed in place.
        dtype: ``'fp16'`` (float16 autocast with dynamic loss scaling, as
            mmseg's ``--amp``) or ``'bf16'`` (bfloat16 autocast, no scaling
            needed).
    """
    if dtype not in AMP_DTYPES:
        raise ValueError(f'--amp takes one of {AMP_DTYPES}, got {dtype!r}')
    for optim in _optim_wrapper_cfgs(cfg):
        if optim.get('type', 'OptimWrapper') == 'AmpOptimWrapper':
            print_log(
                'AMP training is already enabled in your config.',
                logger='current',
                level=logging.WARNING,
            )
            continue
        if optim.get('type', 'OptimWrapper') != 'OptimWrapper':
            raise ValueError(
                '--amp needs OptimWrapper optimizers, got ' + optim['type']
            )
        optim['type'] = 'AmpOptimWrapper'
        if dtype == 'bf16':
            optim['dtype'] = 'bfloat16'
        else:
            optim['loss_scale'] = 'dynamic'


def apply_cli(
    cfg: Config,
    config_path: str,
    work_dir: Optional[str] = None,
    resume: Optional[str] = None,
    amp: Optional[str] = None,
    launcher: str = 'none',
    trusted: Iterable[str] = (),
    max_iters: Optional[int] = None,
    model_check: bool = False,
) -> Config:
    """Apply the tools' command line to ``cfg`` (in place; returned).

    Args:
        cfg: The loaded config, ``--cfg-options`` already merged.
        config_path: Its file, which names the default work dir
            ``./work_dirs/<config name>``.
        work_dir: ``--work-dir``; wins over the config's ``work_dir``.
        resume: ``--resume``: ``'auto'`` for the latest checkpoint of the
            work dir, or a checkpoint path; an unreadable one falls back to
            the one before it (:func:`choose_resume_checkpoint`).
        amp: ``--amp``: None, ``'fp16'`` or ``'bf16'``.
        launcher: ``--launcher``.
        trusted: ``--trust-checkpoint`` paths, fully unpickled when loaded.
        max_iters: ``--max-iters``: train this many iterations, every
            schedule ending there (:func:`shorten_run`).
        model_check: Add the :class:`ModelCheckHook` (``tools/train.py``
            unless ``--no-model-check``).
    """
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        name = osp.splitext(osp.basename(config_path))[0]
        cfg.work_dir = osp.join('./work_dirs', name)
    if amp is not None:
        enable_amp(cfg, amp)
    for path in trusted:
        trust_checkpoint(path)
    if resume is not None:
        if resume == 'auto':
            check_resume_folder(cfg.work_dir, config_path)
        chosen = choose_resume_checkpoint(cfg.work_dir, resume)
        if chosen is not None:
            cfg.resume, cfg.load_from = True, chosen
    if max_iters is not None:
        shorten_run(cfg, max_iters)
    if 'train_cfg' in cfg:
        cap_logger_interval(cfg)
    _add_hook(cfg, 'CheckpointFitHook')
    if model_check:
        _add_hook(cfg, 'ModelCheckHook')
    return cfg


def _add_hook(cfg: Config, kind: str) -> None:
    """Append a custom hook of type ``kind`` unless the config has one."""
    hooks = cfg.get('custom_hooks') or []
    if not any(h.get('type') == kind for h in hooks):
        cfg.custom_hooks = [*hooks, dict(type=kind)]


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """The options ``tools/train.py`` and ``tools/test.py`` share."""
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value (e.g. '
        'model.terms.pfr.weight=0.01 train_cfg.max_iters=1000)',
    )
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher (tools/dist_*.sh pass pytorch)',
    )
    add_trust_argument(parser)
    # torch.distributed.launch passes --local-rank; torchrun sets LOCAL_RANK.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def add_trust_argument(parser: argparse.ArgumentParser) -> None:
    """``--trust-checkpoint PATH``, spelled the same in every tool."""
    parser.add_argument(
        '--trust-checkpoint',
        action='append',
        default=[],
        metavar='PATH',
        help='fully unpickle this checkpoint even if it holds objects '
        'outside the safe allow-list (it may run code: only for files '
        'you trust); repeatable',
    )


# The stack's own errors for a user's mistake, each turned into one line
# (None: another error, which keeps its traceback).
STACK_ERRORS = (
    unknown_type_message,  # type='PFRTem'
    missing_type_message,  # a dict without type: a typo or a replaced dict
    unexpected_key_message,  # decode_headd=...: a key no class takes
    compiled_op_message,  # a model needing mmcv's compiled ops
)


def run_tool(main: Callable[[], None]) -> None:
    """Run a tool's ``main``; a mistake in what the user gave it (a
    checkpoint that is unreadable, untrusted or does not fit, a config key
    that does not fit the model, an unknown registered type, a model
    needing compiled ops, ...: see :data:`USER_ERRORS` and
    :data:`STACK_ERRORS`) ends it with one line (:func:`fail`)."""
    try:
        main()
    except USER_ERRORS as error:
        fail(str(error))
    except (
        KeyError,
        RuntimeError,
        AttributeError,
        ImportError,
        TypeError,
    ) as error:
        for message in (explain(error) for explain in STACK_ERRORS):
            if message is not None:
                fail(message)
        raise


def load_config(args: argparse.Namespace) -> Config:
    """The config named by ``args.config`` (:func:`fail` when there is
    none), with ``--cfg-options`` merged; its text is formatted once
    (:mod:`..compat.config_format`)."""
    require_file(args.config, 'config')
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    try:
        cfg = load_config_file(args.config)
    except AttributeError as error:  # a name its bases do not define
        message = missing_name_message(error)
        if message is None:
            raise
        fail(message)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg
