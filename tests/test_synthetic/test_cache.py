"""The cache of generated splits: read back without regenerating, corrupt
or partial splits detected, atomic writes, keys and locations."""

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

import mmseg_pfr.synthetic  # noqa: F401  (until mmseg_pfr imports it)
from mmseg_pfr.synthetic import cache
from mmseg_pfr.synthetic.cache import (
    ENV_CACHE,
    cache_root,
    ensure_split,
    split_dir,
    split_spec,
    verify_split,
)
from mmseg_pfr.synthetic.domains import generate_sample

SPEC = split_spec('target', 'val', num_samples=3, seed=5, size=(32, 64))


def _no_generation(*args, **kwargs):
    raise AssertionError('the split was generated again')


def _digests(folder) -> dict:
    return json.loads((folder / cache.MANIFEST).read_text())['files']


def test_split_holds_the_generated_samples(tmp_path):
    folder = ensure_split(SPEC, str(tmp_path), workers=1)
    assert folder == split_dir(SPEC, str(tmp_path))
    assert sorted(p.name for p in (folder / 'img').iterdir()) == [
        '000000.png',
        '000001.png',
        '000002.png',
    ]
    for i in range(3):
        image, label = generate_sample(
            'target', 'val', i, seed=5, size=(32, 64)
        )
        on_disk = cv2.imread(str(folder / 'img' / f'{i:06d}.png'))
        np.testing.assert_array_equal(on_disk[..., ::-1], image)
        ann = cv2.imread(
            str(folder / 'ann' / f'{i:06d}.png'), cv2.IMREAD_UNCHANGED
        )
        np.testing.assert_array_equal(ann, label)


def test_second_call_reads_the_cache(tmp_path, monkeypatch):
    folder = ensure_split(SPEC, str(tmp_path), workers=1)
    monkeypatch.setattr(cache, 'generate_sample', _no_generation)
    assert ensure_split(SPEC, str(tmp_path)) == folder


def test_parallel_generation_writes_the_same_files(tmp_path):
    serial = ensure_split(SPEC, str(tmp_path / 'a'), workers=1)
    parallel = ensure_split(SPEC, str(tmp_path / 'b'), workers=2)
    assert _digests(serial) == _digests(parallel)


@pytest.mark.parametrize(
    'damage',
    [
        lambda f: (f / 'img' / '000001.png').unlink(),
        lambda f: (f / 'ann' / '000002.png').write_bytes(b''),
        lambda f: (f / cache.MANIFEST).unlink(),
        lambda f: (f / cache.MANIFEST).write_text('{"spec": '),
    ],
    ids=['missing file', 'truncated file', 'no manifest', 'broken manifest'],
)
def test_damaged_split_is_detected_and_regenerated(tmp_path, damage):
    folder = ensure_split(SPEC, str(tmp_path), workers=1)
    before = _digests(folder)
    damage(folder)
    assert verify_split(folder, SPEC) is not None
    with pytest.warns(UserWarning, match='regenerating corrupt'):
        assert ensure_split(SPEC, str(tmp_path), workers=1) == folder
    assert _digests(folder) == before
    assert verify_split(folder, SPEC) is None


def test_altered_bytes_of_the_same_size_are_detected(tmp_path):
    folder = ensure_split(SPEC, str(tmp_path), workers=1)
    path = folder / 'img' / '000000.png'
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert verify_split(folder, SPEC) == 'img/000000.png has been altered'


def test_a_crash_while_writing_leaves_no_split_behind(tmp_path, monkeypatch):
    def crash_on_third(domain, split, index, seed, size):
        if index == 2:
            raise RuntimeError('crash')
        return generate_sample(domain, split, index, seed, size)

    monkeypatch.setattr(cache, 'generate_sample', crash_on_third)
    with pytest.raises(RuntimeError, match='crash'):
        ensure_split(SPEC, str(tmp_path), workers=1)
    assert os.listdir(tmp_path) == []
    monkeypatch.undo()
    assert (
        verify_split(ensure_split(SPEC, str(tmp_path), workers=1), SPEC)
        is None
    )


def test_losing_a_race_keeps_the_winners_split(tmp_path, monkeypatch):
    final = split_dir(SPEC, str(tmp_path))
    write = cache._write_split

    def write_while_another_process_finishes(folder, spec, workers):
        write(folder, spec, workers)
        write(tmp_path / 'other', spec, workers)
        os.rename(tmp_path / 'other', final)

    monkeypatch.setattr(
        cache, '_write_split', write_while_another_process_finishes
    )
    assert ensure_split(SPEC, str(tmp_path), workers=1) == final
    assert verify_split(final, SPEC) is None
    assert os.listdir(tmp_path) == [final.name]  # our copy is gone


def test_every_parameter_is_part_of_the_key(tmp_path):
    base = dict(
        domain='target', split='val', num_samples=3, seed=5, size=(32, 64)
    )
    folders = {split_dir(split_spec(**base))}
    for change in (
        dict(domain='source'),
        dict(split='train'),
        dict(num_samples=4),
        dict(seed=6),
        dict(size=(32, 72)),
    ):
        folders.add(split_dir(split_spec(**{**base, **change})))
    assert len(folders) == 6
    assert split_dir(split_spec(**base)) == split_dir(split_spec(**base))
    assert split_spec(**base)['version'] == cache.generator_version()


def test_cache_root_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_CACHE, str(tmp_path / 'mine'))
    assert cache_root() == tmp_path / 'mine'
    assert split_dir(SPEC).parent == tmp_path / 'mine'
    monkeypatch.delenv(ENV_CACHE)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'xdg'))
    assert cache_root() == tmp_path / 'xdg' / 'mmseg_pfr' / 'synthetic'


@pytest.mark.parametrize(
    'kwargs, message',
    [
        (dict(domain='gta'), 'unknown synthetic domain'),
        (dict(split='test'), 'unknown synthetic split'),
        (dict(num_samples=0), 'num_samples'),
        (dict(size=(4, 64)), 'at least 8x8'),
    ],
)
def test_bad_parameters_are_named(kwargs, message):
    args = {**dict(domain='target', split='val'), **kwargs}
    with pytest.raises(ValueError, match=message):
        split_spec(**args)


def test_negative_seed_is_refused():
    with pytest.raises(ValueError, match='>= 0'):
        generate_sample('source', 'train', 0, seed=-1)


def test_parallel_generation_after_opencv_used_its_threads(tmp_path):
    # A process that has run OpenCV with its thread pool (as any training
    # pipeline does) forks the generation workers: they must not deadlock.
    # In a subprocess, so that a regression fails on its timeout instead of
    # hanging the suite.
    code = f"""
import cv2, numpy as np
from mmseg_pfr.synthetic.cache import ensure_split
from test_cache import SPEC
cv2.setNumThreads(2)
for _ in range(20):
    cv2.GaussianBlur(np.zeros((1024, 2048, 3), np.uint8), (31, 31), 5)
ensure_split(SPEC, {str(tmp_path)!r}, workers=2)
print('generated')
"""
    result = subprocess.run(
        [sys.executable, '-c', code],
        cwd=os.path.dirname(__file__),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'generated' in result.stdout
