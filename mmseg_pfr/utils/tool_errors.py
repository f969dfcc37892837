"""How a tool ends on a mistake in what its user gave it: one ``error:``
line on stderr and exit status 2, not a traceback.

Below both the data layer (``datasets.checks``, behind
``tools/misc/check_dataset.py``) and the tools' layer (``apis.cli``), so
neither reaches into the other for it.
"""

import os.path as osp
import sys
from typing import NoReturn


def fail(message: str) -> NoReturn:
    """End a tool on a user error: ``error: MESSAGE`` on stderr, exit 2
    (argparse's status for a bad command line)."""
    print(f'error: {message}', file=sys.stderr)
    raise SystemExit(2)


def require_file(path: str, what: str) -> None:
    """:func:`fail` unless ``path`` is a file; ``what`` names it for the
    user (``'checkpoint'``, ``'config'``)."""
    if not osp.isfile(path):
        fail(f'{what} {path} does not exist')


def require_device(device: str) -> None:
    """:func:`fail` when ``device`` asks for CUDA on a machine without
    it."""
    import torch

    if device.startswith('cuda') and not torch.cuda.is_available():
        fail(
            f'--device {device}: torch {torch.__version__} sees no CUDA '
            'device here (a CPU build, or no GPU visible); run with '
            '--device cpu, or install a CUDA build of torch on a GPU machine'
        )


def require_cuda_for_amp(amp) -> None:
    """:func:`fail` when ``--amp`` is asked for on a machine without
    CUDA (mmengine's AmpOptimWrapper refuses it there)."""
    import torch

    if amp and not torch.cuda.is_available():
        fail(
            f"--amp {amp} needs a CUDA GPU (mmengine's AmpOptimWrapper "
            'runs only there); on this machine train without --amp'
        )
