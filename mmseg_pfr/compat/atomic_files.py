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

Otherwise a write ends as mmengine's in-place one would: a file that is
replaced keeps its permission bits and, where the process may set them,
its owner and group (a private 0600 checkpoint stays private); a new file
gets ``0666`` less the umask, as ``open(path, 'wb')`` gives it. A path that
is a symbolic link is written through: the link stays, and its target is
replaced atomically (the temporary file lives beside the target, on its
file system). Two differences remain, both of the rename: the path gets a
new inode, so other hard links to the old file keep the old content, and
the folder must be writable, not only the file.
"""

import errno
import os
import os.path as osp
import secrets
import stat
from pathlib import Path
from typing import BinaryIO, Union

from mmengine.fileio import LocalBackend, register_backend


def write_atomically(path: Union[str, Path], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Args:
        path: The destination; its folder is created if missing. A symbolic
            link is followed: its (final) target gets the data.
        data: The whole content of the file.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    target = osp.realpath(path)
    folder = osp.dirname(target)
    tmp = osp.join(
        folder, f'.{osp.basename(target)}.{secrets.token_hex(4)}.tmp'
    )
    try:
        with _open_like(tmp, target) as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, target)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
    _fsync_folder(folder)


def _open_like(tmp: str, target: str) -> BinaryIO:
    """Create ``tmp`` for writing with the mode ``target`` will need: that
    of the file it replaces (and its owner where allowed), else 0666 less
    the umask. Set before any data is written, so none is ever exposed."""
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and not os.access(target, os.W_OK):
        # Made read-only by its owner: open(target, 'wb') refuses, and so
        # do we (a rename does not ask the file, only its folder).
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), target)
    # Not mkstemp: its 0600 would make new checkpoints private to their
    # owner. A replacement starts private and gets the old mode below.
    fd = os.open(
        tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if old else 0o666
    )
    file = os.fdopen(fd, 'wb')
    if old is not None:
        # Through the descriptor where the OS can (never a swapped path).
        where = fd if os.chmod in os.supports_fd else tmp
        try:
            _keep_owner(where, old)
            # After chown, which may clear set-id bits.
            os.chmod(where, stat.S_IMODE(old.st_mode))
        except BaseException:
            file.close()
            raise
    return file


def _keep_owner(where: Union[int, str], old: os.stat_result) -> None:
    """Give the file ``where`` (a descriptor or path) the owner and group in
    ``old``, or as much of them as this process may set: only root may give
    a file away; an owner may choose among its own groups."""
    if not hasattr(os, 'chown'):  # Windows: no owners to keep
        return
    for uid, gid in ((old.st_uid, old.st_gid), (-1, old.st_gid)):
        try:
            os.chown(where, uid, gid)
            return
        except PermissionError:
            continue


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
