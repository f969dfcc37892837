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
(:func:`trust_checkpoint`, ``--trust-checkpoint PATH`` in the tools, or the
``MMSEG_PFR_TRUSTED_CHECKPOINTS`` environment variable). A file that is not
a checkpoint at all (truncated, damaged, another kind of file) gets one
error naming it and what is wrong, instead of torch's advice to load it
with ``weights_only=False``.
"""

import os
import os.path as osp
import pickle
import re
import zipfile
from contextlib import nullcontext
from typing import Any, List, Optional

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

TRUST_ENV = 'MMSEG_PFR_TRUSTED_CHECKPOINTS'


class UntrustedCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds pickled objects outside the allow-list."""


class UnreadableCheckpointError(ValueError, RuntimeError):
    """A file is not a complete torch checkpoint (truncated, damaged, or
    another kind of file).

    A ``RuntimeError`` as well, because that is what torch raises for a
    truncated file (zip or legacy), the common case (a save, copy or
    download that did not finish): code that caught it around
    ``torch.load`` or mmengine's loader still does. torch's other two
    errors here are not kept: ``EOFError`` (an empty file) and
    ``pickle.UnpicklingError`` (a file that is no checkpoint at all). The
    latter is what a refusal is (:class:`UntrustedCheckpointError`: a
    readable checkpoint with types outside the allow-list), and one class
    for "not a readable checkpoint" keeps damage and refusal apart."""


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


def _allowing():
    """A context in which torch accepts mmengine's checkpoint types (torch
    < 2.5 cannot allow-list types: it loads plain tensors only)."""
    if not hasattr(torch.serialization, 'safe_globals'):
        return nullcontext()
    return torch.serialization.safe_globals(mmengine_checkpoint_globals())


def _refusal(filename: str, unsafe: List[str]) -> UntrustedCheckpointError:
    return UntrustedCheckpointError(
        f'Refusing to load {filename}: it holds pickled objects outside the '
        f'types mmengine checkpoints contain ({", ".join(unsafe)}); loading '
        f'them could run arbitrary code. If you trust this file, pass '
        f'--trust-checkpoint {filename} to the tool, call '
        f'mmseg_pfr.trust_checkpoint(path), or add it to ${TRUST_ENV}.'
    )


def _unsafe_globals(filename: str, error: Exception) -> List[str]:
    """The disallowed types torch's refusal ``error`` is about; none when
    the load failed for another reason (a damaged file)."""
    named = re.findall(r'Unsupported global: GLOBAL (\S+)', str(error))
    if not named or not zipfile.is_zipfile(filename):
        return named  # torch lists a legacy file's types one at a time
    with _allowing():
        return torch.serialization.get_unsafe_globals_in_checkpoint(filename)


def _what_is_wrong(filename: str, error: Exception) -> str:
    """Why ``filename`` could not be read, in the user's terms."""
    with open(filename, 'rb') as file:
        head = file.read(4)
    if not head:
        return 'the file is empty'
    if head == b'PK\x03\x04' and not zipfile.is_zipfile(filename):
        return 'it ends early (a save, copy or download that did not finish)'
    if not head.startswith((b'PK', b'\x80')):
        return 'it is neither a torch (zip) checkpoint nor a legacy one'
    return str(error).split('. ')[0].strip() or type(error).__name__


def _unreadable(filename: str, error: Exception) -> UnreadableCheckpointError:
    return UnreadableCheckpointError(
        f'{filename} is not a readable torch checkpoint: '
        f'{_what_is_wrong(filename, error)}.'
    )


def _load(filename: str, map_location: Optional[Any], trusted: bool) -> Any:
    if trusted:
        return torch.load(
            filename, map_location=map_location, weights_only=False
        )
    with _allowing():
        return torch.load(
            filename, map_location=map_location, weights_only=True
        )


def load_from_local(filename: str, map_location: Optional[Any] = None) -> Any:
    """``torch.load`` with mmengine's types allowed and nothing else, unless
    the file is trusted. Named and shaped like mmengine's own local loader,
    which it replaces (mmengine logs "Loads checkpoint by local backend").

    Raises:
        FileNotFoundError: ``filename`` does not exist.
        UntrustedCheckpointError: It holds types outside the allow-list.
        UnreadableCheckpointError: It is truncated, damaged or not a
            checkpoint.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        return _load(filename, map_location, is_trusted(filename))
    except pickle.UnpicklingError as error:
        unsafe = _unsafe_globals(filename, error)
        if unsafe:
            raise _refusal(filename, unsafe) from None
        raise _unreadable(filename, error) from None
    except (RuntimeError, EOFError, KeyError, ValueError) as error:
        raise _unreadable(filename, error) from None


def register_safe_loader() -> None:
    """Make mmengine load every local checkpoint through
    :func:`load_from_local`: ``load_from``, ``--resume``, ``Pretrained``
    initialisation and ``tools/test.py`` all go through it."""
    CheckpointLoader.register_scheme('', load_from_local, force=True)
