"""Which checkpoint --resume starts from (a real killed run:
tests/test_tools/test_killed_run.py)."""

from pathlib import Path

import pytest
import torch
from helpers import log_to_captured_stdout

from mmseg_pfr.apis.resume import (
    ResumeFolderError,
    check_resume_folder,
    choose_resume_checkpoint,
)
from mmseg_pfr.compat.checkpoint import UnreadableCheckpointError

DAMAGED = 'is not a readable torch checkpoint: it ends early'


def work_dir(tmp_path: Path, iters=(2, 4, 6), damaged=(), last=None):
    """iter_N.pth for each N (the damaged ones cut short), best_* and a
    temporary file a kill left, and last_checkpoint naming ``last``."""
    for n in iters:
        path = tmp_path / f'iter_{n}.pth'
        torch.save(dict(state_dict=dict(w=torch.full((64,), n))), path)
        if n in damaged:
            path.write_bytes(path.read_bytes()[:100])
    torch.save({}, tmp_path / 'best_mIoU_iter_8.pth')
    (tmp_path / '.iter_8.pth.1234abcd.tmp').write_bytes(b'PK\x03\x04')
    if last is not None:
        (tmp_path / 'last_checkpoint').write_text(last)
    return str(tmp_path)


def test_auto_takes_the_file_last_checkpoint_names(tmp_path):
    folder = work_dir(tmp_path, last=str(tmp_path / 'iter_4.pth'))
    assert choose_resume_checkpoint(folder) == str(tmp_path / 'iter_4.pth')


def test_a_damaged_latest_falls_back_with_a_message_naming_both(
    tmp_path, capsys
):
    latest = str(tmp_path / 'iter_6.pth')
    folder = work_dir(tmp_path, damaged=(6,), last=latest)
    log_to_captured_stdout('resume_damaged')
    assert choose_resume_checkpoint(folder) == str(tmp_path / 'iter_4.pth')
    assert (
        f'--resume: {latest} {DAMAGED} (a save, copy or download that did '
        'not finish); resuming from the previous checkpoint, '
        f'{tmp_path}/iter_4.pth, instead.'
    ) in capsys.readouterr().out


def test_an_explicit_damaged_checkpoint_falls_back_to_an_older_one(tmp_path):
    folder = work_dir(tmp_path, damaged=(4,), last=str(tmp_path / 'x.pth'))
    chosen = choose_resume_checkpoint(folder, str(tmp_path / 'iter_4.pth'))
    assert chosen == str(tmp_path / 'iter_2.pth')  # never the newer iter_6


def test_an_empty_last_checkpoint_takes_the_newest_numbered_one(tmp_path):
    # mmengine writes last_checkpoint in place: a kill can leave it empty.
    folder = work_dir(tmp_path, last='')
    assert choose_resume_checkpoint(folder) == str(tmp_path / 'iter_6.pth')


def test_a_removed_latest_falls_back_to_the_previous_one(tmp_path, capsys):
    # max_keep_ckpts removes the oldest before writing the newest: a kill
    # between the two leaves last_checkpoint naming a removed file.
    folder = work_dir(tmp_path, iters=(4,), last=str(tmp_path / 'iter_6.pth'))
    log_to_captured_stdout('resume_removed')
    assert choose_resume_checkpoint(folder) == str(tmp_path / 'iter_4.pth')
    assert (
        f'--resume: {tmp_path}/iter_6.pth does not exist; resuming from '
        f'the previous checkpoint, {tmp_path}/iter_4.pth, instead.'
    ) in capsys.readouterr().out


def test_nothing_readable_is_an_error_naming_every_file(tmp_path):
    folder = work_dir(tmp_path, iters=(2, 4), damaged=(2, 4))
    with pytest.raises(UnreadableCheckpointError) as error:
        choose_resume_checkpoint(folder)
    message = str(error.value)
    assert message.startswith('no readable checkpoint to resume from: ')
    assert f'{tmp_path}/iter_4.pth {DAMAGED}' in message
    assert f'{tmp_path}/iter_2.pth {DAMAGED}' in message
    assert message.endswith(
        'Train without --resume to start again from iteration 0.'
    )


def test_a_damaged_file_of_the_users_naming_has_no_fallback(tmp_path):
    folder = work_dir(tmp_path)
    mine = tmp_path / 'mine.pth'
    mine.write_bytes(b'PK\x03\x04 cut short')
    with pytest.raises(UnreadableCheckpointError, match='mine.pth'):
        choose_resume_checkpoint(folder, str(mine))


def test_an_empty_work_dir_trains_from_0_and_says_so(tmp_path, capsys):
    log_to_captured_stdout('resume_empty')
    assert choose_resume_checkpoint(str(tmp_path / 'new')) is None
    assert (
        f'--resume: no checkpoint found in {tmp_path}/new (no '
        'last_checkpoint, no iter_N.pth): training starts from iteration 0.'
    ) in capsys.readouterr().out


def test_a_requested_file_that_does_not_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match='--resume .*x.pth: no such'):
        choose_resume_checkpoint(str(tmp_path), str(tmp_path / 'x.pth'))


def test_auto_resume_refuses_a_work_dir_of_another_config(tmp_path):
    folder = work_dir(tmp_path, last=str(tmp_path / 'iter_6.pth'))
    (tmp_path / 'other_config.py').write_text('model = dict()\n')
    with pytest.raises(ResumeFolderError) as error:
        check_resume_folder(folder, 'configs/mine.py')
    assert str(error.value) == (
        f'--resume: {folder} was written by config other_config.py, not '
        'mine.py; resume that run with its config, or train this one in '
        'another folder (--work-dir)'
    )
    check_resume_folder(folder, 'configs/other_config.py')  # its own: fine


def test_auto_resume_refuses_a_last_checkpoint_in_another_folder(tmp_path):
    elsewhere, copy = tmp_path / 'elsewhere', tmp_path / 'copy'
    elsewhere.mkdir()
    copy.mkdir()
    folder = work_dir(copy, last=str(elsewhere / 'iter_6.pth'))
    with pytest.raises(ResumeFolderError) as error:
        check_resume_folder(folder, 'mine.py')
    assert str(error.value) == (
        f'--resume: {folder}/last_checkpoint names {elsewhere}/iter_6.pth, '
        f'outside {folder} (a copied or moved work dir?); resume from a '
        'file explicitly with --resume CHECKPOINT'
    )


def test_a_new_or_empty_work_dir_is_fine(tmp_path):
    check_resume_folder(str(tmp_path / 'absent'), 'mine.py')
    check_resume_folder(str(tmp_path), 'mine.py')
