"""Write files whole or not at all, so a killed run loses nothing.

mmengine's ``LocalBackend.put`` opens the destination with ``'wb'`` and then
writes: the old file is truncated at once, and a process killed (SIGKILL,
out of memory, a pre-empted node) during the write of a checkpoint leaves a
truncated ``iter_N.pth`` that ``--resume`` cannot load. Here every write
goes to a temporary file in the destination's folder, is flushed to disk
and then renamed over the destination, which POSIX makes atomic: the
destination always holds either its old content or the complete new one.
A kill during the write leaves at most a hidden ``.<name>.<random>.tmp``
beside it, which is safe to delete.

:func:`register_atomic_backend` makes mmengine write every local file this
way (checkpoints through ``save_checkpoint``, and dumped configs and
metrics through its file I/O), with mmengine's public
``register_backend(..., force=True)``.
"""

import os
import os.path as osp
import secrets
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend


def write_atomically(path: Union[str, Path], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Args:
        path: The destination; its folder is created if missing.
        data: The whole content of the file.
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = osp.join(folder, f'.{osp.basename(path)}.{secrets.token_hex(4)}.tmp')
    # Not mkstemp: its 0600 would make checkpoints private to their owner.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, 'wb') as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    """Persist the rename itself (the folder entry) where the OS allows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AtomicLocalBackend(LocalBackend):
    """mmengine's local backend, with whole-or-nothing writes."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write the bytes ``obj`` to ``filepath`` atomically."""
        write_atomically(filepath, obj)

    def put_text(
        self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8'
    ) -> None:
        """Write the text ``obj`` to ``filepath`` atomically."""
        write_atomically(filepath, obj.encode(encoding))


def register_atomic_backend() -> None:
    """Make :class:`AtomicLocalBackend` mmengine's backend for local
    paths (those without a ``scheme://`` prefix)."""
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')
