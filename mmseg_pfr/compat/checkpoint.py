"""Load checkpoints without running pickled code; keep ``--resume`` working.

torch >= 2.6 loads with ``weights_only=True`` by default, and an mmengine
iteration checkpoint holds numpy arrays and mmengine ``HistoryBuffer`` objects
in its meta (the message hub's state), so mmengine 0.10's plain
``torch.load`` fails with ``UnpicklingError`` and ``--resume`` breaks. The
cure is not ``weights_only=False``: a checkpoint from the internet is
untrusted pickle. This module replaces mmengine's local-file loader (through
its public ``CheckpointLoader.register_scheme``) with one that allows exactly
the types mmengine's own checkpoints contain and refuses anything else with a
clear error, unless the user has said they trust that file
(:func:`trust_checkpoint`, ``--trust-checkpoint`` in the tools, or the
``MMSEG_PFR_TRUSTED_CHECKPOINTS`` environment variable).
"""

import os
import os.path as osp
import pickle
from contextlib import nullcontext
from typing import Any, List, Optional

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

TRUST_ENV = 'MMSEG_PFR_TRUSTED_CHECKPOINTS'


class UntrustedCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds pickled objects outside the allow-list."""


def mmengine_checkpoint_globals() -> List[Any]:
    """The non-tensor types an mmengine 0.10 checkpoint pickles.

    numpy arrays and scalars (the message hub's history buffers), numpy dtypes
    (numpy 2 pickles them through ``getattr``) and ``HistoryBuffer`` itself.
    """
    multiarray = (
        np._core.multiarray if hasattr(np, '_core') else np.core.multiarray
    )
    dtype_classes = {type(np.dtype(t)) for t in np.sctypeDict.values()}
    return [
        multiarray._reconstruct,
        multiarray.scalar,
        np.ndarray,
        np.dtype,
        getattr,
        HistoryBuffer,
        *sorted(dtype_classes, key=str),
    ]


def trust_checkpoint(path: str) -> None:
    """Allow ``path`` to be fully unpickled (it may run code: trust only
    files you made or whose source you trust). Recorded in the environment,
    so processes started afterwards (torchrun workers) trust it too."""
    trusted = _trusted_paths()
    trusted.append(osp.realpath(osp.expanduser(path)))
    os.environ[TRUST_ENV] = os.pathsep.join(dict.fromkeys(trusted))


def _trusted_paths() -> List[str]:
    value = os.environ.get(TRUST_ENV, '')
    return [osp.realpath(p) for p in value.split(os.pathsep) if p]


def is_trusted(path: str) -> bool:
    """Whether the user has opted in to fully unpickling ``path``."""
    return osp.realpath(osp.expanduser(path)) in _trusted_paths()


def _refusal(filename: str, error: Exception) -> UntrustedCheckpointError:
    lister = getattr(
        torch.serialization, 'get_unsafe_globals_in_checkpoint', None
    )
    unsafe = ', '.join(lister(filename)) if lister else str(error)
    return UntrustedCheckpointError(
        f'Refusing to load {filename}: it holds pickled objects outside the '
        f'types mmengine checkpoints contain ({unsafe}); loading them could '
        f'run arbitrary code. If you trust this file, pass '
        f'--trust-checkpoint {filename} to the tool, call '
        f'mmseg_pfr.trust_checkpoint(path), or add it to ${TRUST_ENV}.'
    )


def load_from_local(filename: str, map_location: Optional[Any] = None) -> Any:
    """``torch.load`` with mmengine's types allowed and nothing else, unless
    the file is trusted. Named and shaped like mmengine's own local loader,
    which it replaces (mmengine logs "Loads checkpoint by local backend")."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    if is_trusted(filename):
        return torch.load(
            filename, map_location=map_location, weights_only=False
        )
    # torch < 2.5 cannot allow-list types: it loads plain tensors only.
    allow = (
        torch.serialization.safe_globals(mmengine_checkpoint_globals())
        if hasattr(torch.serialization, 'safe_globals')
        else nullcontext()
    )
    with allow:
        try:
            return torch.load(
                filename, map_location=map_location, weights_only=True
            )
        except pickle.UnpicklingError as error:
            raise _refusal(filename, error) from None


def register_safe_loader() -> None:
    """Make mmengine load every local checkpoint through
    :func:`load_from_local`: ``load_from``, ``--resume``, ``Pretrained``
    initialisation and ``tools/test.py`` all go through it."""
    CheckpointLoader.register_scheme('', load_from_local, force=True)
