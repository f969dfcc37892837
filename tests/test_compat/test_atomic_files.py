"""Whole-or-nothing writes: why they exist, and that mmengine uses them
(a real kill during a checkpoint write: tests/test_tools/test_killed_run)."""

import os
import stat

import pytest
import torch
from mmengine.fileio import LocalBackend, get_file_backend
from mmengine.runner.checkpoint import save_checkpoint

from mmseg_pfr.compat.atomic_files import AtomicLocalBackend, write_atomically


class BreaksMidWrite:
    """Data whose write fails, as a kill or a full disk ends one."""


def test_why_it_exists_mmengine_loses_the_old_file_when_a_write_fails(
    tmp_path,
):
    path = tmp_path / 'iter_2.pth'
    path.write_bytes(b'the previous checkpoint')
    with pytest.raises(TypeError):
        LocalBackend().put(BreaksMidWrite(), path)
    assert path.read_bytes() == b''  # truncated before anything was written


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / 'iter_2.pth'
    path.write_bytes(b'the previous checkpoint')
    with pytest.raises(TypeError):
        AtomicLocalBackend().put(BreaksMidWrite(), path)
    assert path.read_bytes() == b'the previous checkpoint'
    assert os.listdir(tmp_path) == ['iter_2.pth']


def test_writes_replace_the_file_whole_with_the_usual_permissions(tmp_path):
    old_umask = os.umask(0o022)
    try:
        write_atomically(tmp_path / 'new' / 'a.txt', b'one')
        write_atomically(tmp_path / 'new' / 'a.txt', b'two')
    finally:
        os.umask(old_umask)
    path = tmp_path / 'new' / 'a.txt'
    assert path.read_bytes() == b'two'
    assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
    assert os.listdir(tmp_path / 'new') == ['a.txt']


def test_mmengine_saves_checkpoints_and_text_through_it(tmp_path, monkeypatch):
    assert type(get_file_backend(str(tmp_path / 'x.pth'))) is (
        AtomicLocalBackend
    )
    written = []
    monkeypatch.setattr(
        'mmseg_pfr.compat.atomic_files.os.replace',
        lambda src, dst, real=os.replace: (
            written.append(dst),
            real(src, dst),
        ),
    )
    save_checkpoint(dict(w=torch.ones(2)), str(tmp_path / 'iter_2.pth'))
    get_file_backend(str(tmp_path)).put_text('hi', tmp_path / 'a.json')
    real = tmp_path.resolve()  # links are written through
    assert written == [str(real / 'iter_2.pth'), str(real / 'a.json')]
    assert torch.load(tmp_path / 'iter_2.pth')['w'].sum() == 2


@pytest.fixture
def umask():
    """Set the process umask for a test, restoring it afterwards."""
    saved = os.umask(0o022)
    yield os.umask
    os.umask(saved)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize('kept', [0o600, 0o640, 0o604, 0o750])
def test_a_replaced_file_keeps_its_mode(tmp_path, umask, kept):
    # A checkpoint or log its user made private stays private.
    path = tmp_path / 'iter_2.pth'
    path.write_bytes(b'old')
    os.chmod(path, kept)
    get_file_backend(str(path)).put(b'new', path)
    assert path.read_bytes() == b'new'
    assert mode(path) == kept


@pytest.mark.parametrize('mask', [0o022, 0o027, 0o077])
def test_a_new_file_gets_the_mode_mmengine_gives_it(tmp_path, umask, mask):
    umask(mask)
    LocalBackend().put(b'x', tmp_path / 'mmengine.pth')
    AtomicLocalBackend().put(b'x', tmp_path / 'ours.pth')
    assert mode(tmp_path / 'ours.pth') == mode(tmp_path / 'mmengine.pth')
    assert mode(tmp_path / 'ours.pth') == 0o666 & ~mask


@pytest.mark.skipif(
    not hasattr(os, 'geteuid') or os.geteuid() != 0,
    reason='giving a file to another owner needs root',
)
def test_a_replaced_file_keeps_its_owner_and_group(tmp_path):
    path = tmp_path / 'iter_2.pth'
    path.write_bytes(b'old')
    os.chown(path, 1234, 5678)
    AtomicLocalBackend().put(b'new', path)
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 5678)


def test_without_the_right_to_give_a_file_away_its_group_is_kept(
    tmp_path, monkeypatch
):
    # An ordinary user may not chown to another user; it may set a group
    # of its own, which is what keeps a shared file shared.
    path = tmp_path / 'iter_2.pth'
    path.write_bytes(b'old')
    old = path.stat()
    calls = []

    def chown(where, uid, gid):
        calls.append((uid, gid))
        if uid != -1:
            raise PermissionError(1, 'Operation not permitted')

    monkeypatch.setattr(os, 'chown', chown)
    AtomicLocalBackend().put(b'new', path)
    assert calls == [(old.st_uid, old.st_gid), (-1, old.st_gid)]
    assert path.read_bytes() == b'new'


def test_a_file_the_process_may_not_write_is_refused_as_open_refuses_it(
    tmp_path, monkeypatch
):
    path = tmp_path / 'iter_2.pth'
    path.write_bytes(b'old')
    os.chmod(path, 0o444)
    # As a non-root user sees it (root may write anything).
    monkeypatch.setattr(os, 'access', lambda p, m: m != os.W_OK)
    with pytest.raises(PermissionError, match='Permission denied'):
        AtomicLocalBackend().put(b'new', path)
    assert path.read_bytes() == b'old'
    assert os.listdir(tmp_path) == ['iter_2.pth']


def test_a_symbolic_link_is_written_through_atomically(tmp_path, umask):
    # A work dir whose checkpoints are links into a shared store.
    store, work = tmp_path / 'store', tmp_path / 'work'
    store.mkdir()
    work.mkdir()
    target = store / 'iter_2.pth'
    target.write_bytes(b'old')
    os.chmod(target, 0o640)
    link = work / 'iter_2.pth'
    link.symlink_to(target)
    get_file_backend(str(link)).put(b'new', link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b'new'
    assert mode(target) == 0o640
    assert os.listdir(store) == ['iter_2.pth']
    assert os.listdir(work) == ['iter_2.pth']
    # Whole or nothing at the target too.
    with pytest.raises(TypeError):
        AtomicLocalBackend().put(BreaksMidWrite(), link)
    assert target.read_bytes() == b'new'
    assert os.listdir(store) == ['iter_2.pth']


def test_a_chain_of_links_and_a_dangling_link_reach_their_final_target(
    tmp_path,
):
    final = tmp_path / 'final.pth'
    middle = tmp_path / 'middle.pth'
    middle.symlink_to(final)  # dangling until the write
    first = tmp_path / 'first.pth'
    first.symlink_to(middle)
    AtomicLocalBackend().put_text('hi', first)
    assert first.is_symlink() and middle.is_symlink()
    assert final.read_text() == 'hi'
