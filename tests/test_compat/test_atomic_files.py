"""Whole-or-nothing writes: why they exist, and that mmengine uses them
(a real kill during a checkpoint write: tests/test_tools/test_killed_run)."""

import os

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
    assert written == [str(tmp_path / 'iter_2.pth'), tmp_path / 'a.json']
    assert torch.load(tmp_path / 'iter_2.pth')['w'].sum() == 2
