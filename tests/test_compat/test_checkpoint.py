"""Safe checkpoint loading: why it exists, what it allows, the opt-in."""

import fractions
import pickle
import re

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.runner.checkpoint import CheckpointLoader

from mmseg_pfr.compat import checkpoint
from mmseg_pfr.compat.checkpoint import (
    TRUST_ENV,
    UnreadableCheckpointError,
    UntrustedCheckpointError,
    load_from_local,
    trust_checkpoint,
)


@pytest.fixture
def mmengine_checkpoint(tmp_path):
    """What mmengine 0.10 saves: tensors plus the message hub's history
    buffers (numpy arrays and scalars) in the meta."""
    hub = MessageHub.get_instance('test_checkpoint')
    for value in (1.5, 2.5):
        hub.update_scalar('train/loss', value)
    hub.update_info('iter', 2)
    ckpt = dict(
        meta=dict(iter=2, seed=np.int64(0), message_hub=hub.state_dict()),
        state_dict=dict(w=torch.ones(2)),
    )
    path = tmp_path / 'iter_2.pth'
    torch.save(ckpt, path)
    return str(path)


def test_why_it_exists_plain_weights_only_load_fails(mmengine_checkpoint):
    with pytest.raises(pickle.UnpicklingError):
        torch.load(mmengine_checkpoint, weights_only=True)


def test_mmengine_checkpoints_load_through_the_allow_list(
    mmengine_checkpoint, monkeypatch
):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    ckpt = load_from_local(mmengine_checkpoint)
    buffer = ckpt['meta']['message_hub']['log_scalars']['train/loss']
    assert buffer.current() == 2.5
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))


def test_allow_list_is_exactly_what_such_a_checkpoint_needs(
    mmengine_checkpoint,
):
    needed = set(
        torch.serialization.get_unsafe_globals_in_checkpoint(
            mmengine_checkpoint
        )
    )
    allowed = {
        f'{g.__module__}.{g.__qualname__}'
        for g in checkpoint.mmengine_checkpoint_globals()
    }
    assert needed <= allowed
    assert 'builtins.getattr' in allowed  # numpy 2 pickles dtypes with it
    assert not any(
        name.startswith(('os.', 'posix.', 'subprocess.', 'io.'))
        for name in allowed
    )


def test_mmengine_uses_the_safe_loader_for_local_files():
    assert (
        CheckpointLoader._get_checkpoint_loader('a/b.pth') is load_from_local
    )


def test_missing_file(tmp_path):
    with pytest.raises(
        FileNotFoundError, match='missing.pth can not be found'
    ):
        load_from_local(str(tmp_path / 'missing.pth'))


def test_trust_is_per_file_and_recorded_in_the_environment(
    tmp_path, monkeypatch
):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    first, second = tmp_path / 'a.pth', tmp_path / 'b.pth'
    trust_checkpoint(str(first))
    assert checkpoint.is_trusted(str(first))
    assert not checkpoint.is_trusted(str(second))
    trust_checkpoint(str(second))
    trust_checkpoint(str(first))  # no duplicates
    assert checkpoint._trusted_paths() == [str(first), str(second)]


def test_refusal_is_an_unpickling_error(tmp_path, monkeypatch):
    # Code that catches mmengine/torch's UnpicklingError still catches it.
    monkeypatch.delenv(TRUST_ENV, raising=False)
    path = tmp_path / 'fraction.pth'
    torch.save({'odd': fractions.Fraction(1, 3)}, path)
    with pytest.raises(UntrustedCheckpointError, match='fractions.Fraction'):
        load_from_local(str(path))
    assert issubclass(UntrustedCheckpointError, pickle.UnpicklingError)


def test_why_torch_alone_is_not_enough_for_a_damaged_file(tmp_path):
    # torch's refusal path advises weights_only=False for random bytes, and
    # its lister of unsafe types raises on them.
    path = tmp_path / 'random.pth'
    path.write_bytes(np.random.default_rng(0).bytes(1000))
    with pytest.raises(pickle.UnpicklingError, match='weights_only'):
        torch.load(path, weights_only=True)
    with pytest.raises(ValueError):
        torch.serialization.get_unsafe_globals_in_checkpoint(str(path))


def _truncated(tmp_path, zip_format: bool):
    whole = tmp_path / 'whole.pth'
    torch.save(
        dict(state_dict=dict(w=torch.ones(100))),
        whole,
        _use_new_zipfile_serialization=zip_format,
    )
    data = whole.read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    'content, reason',
    [
        (b'', 'the file is empty'),
        (
            np.random.default_rng(0).bytes(1000),
            'it is neither a torch (zip) checkpoint nor a legacy one',
        ),
        (
            b'model:\n  depth: 101\n',
            'it is neither a torch (zip) checkpoint nor a legacy one',
        ),
        (
            'truncated zip',
            'it ends early (a save, copy or download that did not finish)',
        ),
        ('truncated legacy', r'unexpected EOF, expected \d+ more bytes'),
    ],
)
def test_a_file_that_is_not_a_whole_checkpoint_gets_one_message(
    tmp_path, monkeypatch, content, reason
):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    if content == 'truncated zip':
        content = _truncated(tmp_path, zip_format=True)
    elif content == 'truncated legacy':
        content = _truncated(tmp_path, zip_format=False)
    path = tmp_path / 'iter_8.pth'
    path.write_bytes(content)
    with pytest.raises(UnreadableCheckpointError) as error:
        load_from_local(str(path))
    assert re.fullmatch(
        re.escape(f'{path} is not a readable torch checkpoint: ')
        + (reason if 'EOF' in reason else re.escape(reason))
        + r'\.',
        str(error.value),
    )
    # Also when trusted (fully unpickled).
    trust_checkpoint(str(path))
    with pytest.raises(UnreadableCheckpointError, match='not a readable'):
        load_from_local(str(path))


@pytest.mark.parametrize('zip_format', [True, False])
def test_a_truncated_checkpoint_is_still_the_runtime_error_torch_raised(
    tmp_path, monkeypatch, zip_format
):
    # Callers that caught torch's RuntimeError (or our ValueError) around a
    # load still catch it, now with the message that names the file.
    monkeypatch.delenv(TRUST_ENV, raising=False)
    path = tmp_path / 'iter_8.pth'
    path.write_bytes(_truncated(tmp_path, zip_format))
    with pytest.raises(RuntimeError):
        torch.load(path, weights_only=True)
    for caught in (RuntimeError, ValueError):
        with pytest.raises(caught) as error:
            CheckpointLoader.load_checkpoint(str(path))
        assert type(error.value) is UnreadableCheckpointError
        assert str(error.value).startswith(
            f'{path} is not a readable torch checkpoint: '
        )


def test_a_legacy_checkpoint_loads_and_its_unsafe_types_are_named(tmp_path):
    path = tmp_path / 'legacy.pth'
    torch.save(
        dict(w=torch.ones(2)), path, _use_new_zipfile_serialization=False
    )
    assert torch.equal(load_from_local(str(path))['w'], torch.ones(2))
    torch.save(
        dict(odd=fractions.Fraction(1, 3)),
        path,
        _use_new_zipfile_serialization=False,
    )
    with pytest.raises(
        UntrustedCheckpointError, match=r'\(fractions.Fraction\)'
    ):
        load_from_local(str(path))
