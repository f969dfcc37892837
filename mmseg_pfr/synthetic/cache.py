"""The on-disk cache of generated splits.

A split (domain, split, count, seed, size) is generated once and stored as
PNG files that any mmseg pipeline reads::

    <root>/<domain>_<split>_<key>/img/000000.png   RGB image
                                  ann/000000.png   train ids, mode L
                                  class_stats.json pixels per class and
                                                   image, for rare-class
                                                   sampling
                                  manifest.json    parameters, file sizes
                                                   and SHA-256 digests

``key`` hashes everything that determines the pixels: the generator's
version (a digest of its code and of the numpy and OpenCV versions, so an
edit can never be served stale files), the domain's layout and style, the
size, seed and count. The root
is ``$MMSEG_PFR_SYNTHETIC_CACHE`` if set, else
``$XDG_CACHE_HOME/mmseg_pfr/synthetic`` (``~/.cache/...`` by default).

A split is written into a private temporary folder and renamed into place
in one step, so a crash or a concurrent writer never leaves a half-written
split under the final name; every read verifies the manifest, and a split
that fails (missing, truncated or altered files) is deleted and generated
again.
"""

import hashlib
import json
import multiprocessing
import os
import shutil
import uuid
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Dict, Optional, Tuple

import cv2
import numpy as np

from ..datasets.class_stats import (
    CLASS_STATS_FILE,
    SampleClassPixels,
    count_class_pixels,
    write_class_stats,
)
from .classes import METAINFO
from .domains import check_split, generate_sample, get_domain

ENV_CACHE = 'MMSEG_PFR_SYNTHETIC_CACHE'
# The default set: what the demo trains and evaluates on.
DEFAULT_COUNTS: Dict[Tuple[str, str], int] = {
    ('source', 'train'): 400,
    ('source', 'val'): 100,
    ('target', 'train'): 400,
    ('target', 'val'): 100,
}
MANIFEST = 'manifest.json'
# The modules whose code decides the files' contents (this one writes them).
_GENERATOR_MODULES = (
    'cache',
    'classes',
    'domains',
    'objects',
    'render',
    'scene',
    'street',
    'style',
    'textures',
)


def generator_version() -> str:
    """Digest of the generator's code and of the libraries it draws with."""
    digest = hashlib.sha256(f'{np.__version__} {cv2.__version__}'.encode())
    here = Path(__file__).parent
    for name in _GENERATOR_MODULES:
        digest.update((here / f'{name}.py').read_bytes())
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    """The folder that holds all cached splits."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE]).expanduser()
    base = os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache'
    return Path(base) / 'mmseg_pfr' / 'synthetic'


def split_spec(
    domain: str,
    split: str,
    num_samples: Optional[int] = None,
    seed: int = 0,
    size: Optional[Tuple[int, int]] = None,
) -> dict:
    """Everything that determines a split's files, as plain JSON data.

    Args:
        domain: 'source' or 'target'.
        split: 'train' or 'val'.
        num_samples: Number of samples; None takes ``DEFAULT_COUNTS``.
        seed: Dataset seed.
        size: (height, width); None takes the domain's default.
    """
    d = get_domain(domain)
    check_split(split)
    n = DEFAULT_COUNTS[domain, split] if num_samples is None else num_samples
    if n < 1:
        raise ValueError(f'num_samples must be >= 1, got {n}')
    height, width = size or d.size
    if height < 8 or width < 8:
        raise ValueError(f'image size must be at least 8x8, got {size}')
    return json.loads(
        json.dumps(
            dict(
                version=generator_version(),
                domain=domain,
                split=split,
                num_samples=int(n),
                seed=int(seed),
                size=[int(height), int(width)],
                layout=asdict(d.layout),
                style=asdict(d.style),
            )
        )
    )


def split_dir(spec: dict, cache_dir: Optional[str] = None) -> Path:
    """Where the split described by ``spec`` lives (it may not exist)."""
    blob = json.dumps(spec, sort_keys=True).encode()
    key = hashlib.sha256(blob).hexdigest()[:16]
    root = Path(cache_dir) if cache_dir else cache_root()
    return root / f'{spec["domain"]}_{spec["split"]}_{key}'


def ensure_split(
    spec: dict,
    cache_dir: Optional[str] = None,
    workers: Optional[int] = None,
) -> Path:
    """The folder of a verified split, generated first if needed.

    Args:
        spec: From ``split_spec``.
        cache_dir: Cache root; None uses ``cache_root()``.
        workers: Processes generating samples; None uses every CPU.

    Returns:
        The split's folder, holding ``img/``, ``ann/`` and the manifest.
    """
    final = split_dir(spec, cache_dir)
    if final.exists():
        problem = verify_split(final, spec)
        if problem is None:
            return final
        warnings.warn(
            f'regenerating corrupt synthetic split {final}: {problem}'
        )
        _remove(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f'.tmp-{final.name}-{uuid.uuid4().hex}'
    try:
        _write_split(tmp, spec, workers)
        try:
            os.rename(tmp, final)
        except OSError:
            # Another process renamed its copy into place first.
            if verify_split(final, spec) is not None:
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return final


def verify_split(folder: Path, spec: dict) -> Optional[str]:
    """None if ``folder`` holds exactly the split of ``spec``, else what is
    wrong with it."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as err:
        return f'unreadable manifest ({err})'
    if not (folder / CLASS_STATS_FILE).is_file():
        return f'no {CLASS_STATS_FILE}'
    if manifest.get('spec') != spec:
        return 'manifest describes other parameters'
    files = manifest.get('files', {})
    if len(files) != 2 * spec['num_samples']:
        return f'manifest lists {len(files)} files'
    for name, (size, digest) in files.items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != size:
            return f'{name} is missing or has the wrong size'
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return f'{name} has been altered'
    return None


def _write_split(folder: Path, spec: dict, workers: Optional[int]) -> None:
    """Generate every sample into ``folder``, then its class statistics,
    and the manifest last."""
    (folder / 'img').mkdir(parents=True)
    (folder / 'ann').mkdir()
    jobs = [(spec, str(folder), i) for i in range(spec['num_samples'])]
    workers = min(workers or _cpus(), len(jobs))
    # Daemonic processes (e.g. data loader workers) may not have children.
    if workers > 1 and not multiprocessing.current_process().daemon:
        # fork: workers inherit the imported modules instead of importing
        # mmseg again, which would take longer than the generation.
        ctx = multiprocessing.get_context('fork')
        # OpenCV's thread pool must not live across fork: a child that
        # inherits it deadlocks when it touches it (seen in cv2 5.0 after
        # the parent had resized images). One thread while forking.
        threads = cv2.getNumThreads()
        cv2.setNumThreads(1)
        try:
            with ctx.Pool(
                workers, initializer=cv2.setNumThreads, initargs=(1,)
            ) as pool:
                written = pool.map(_write_sample, jobs, chunksize=8)
        finally:
            cv2.setNumThreads(threads)
    else:
        written = [_write_sample(job) for job in jobs]
    write_class_stats(
        str(folder),
        written,
        len(METAINFO['classes']),
        'mmseg_pfr.synthetic.cache (the synthetic generator)',
    )
    files = {}
    for name in (n for s in written for n in (s.image, s.label)):
        data = (folder / name).read_bytes()
        files[name] = [len(data), hashlib.sha256(data).hexdigest()]
    manifest = json.dumps(
        dict(spec=spec, files=files), indent=1, sort_keys=True
    )
    (folder / MANIFEST).write_text(manifest)


def _write_sample(job: Tuple[dict, str, int]) -> SampleClassPixels:
    """Generate sample ``i`` and write its two PNGs; return their names and
    the label's pixels per class."""
    spec, folder, i = job
    image, label = generate_sample(
        spec['domain'], spec['split'], i, spec['seed'], tuple(spec['size'])
    )
    img_name, ann_name = f'img/{i:06d}.png', f'ann/{i:06d}.png'
    if not (
        cv2.imwrite(os.path.join(folder, img_name), image[..., ::-1])
        and cv2.imwrite(os.path.join(folder, ann_name), label)
    ):
        raise OSError(f'could not write sample {i} into {folder}')
    pixels = count_class_pixels(label, len(METAINFO['classes']))
    return SampleClassPixels(img_name, ann_name, pixels)


def _cpus() -> int:
    """CPUs this process may run on, at most 8 (more buys little here)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return min(n, 8)


def _remove(folder: Path) -> None:
    """Delete a split: first rename it away, so readers never see it half
    deleted."""
    trash = folder.parent / f'.trash-{folder.name}-{uuid.uuid4().hex}'
    try:
        os.rename(folder, trash)
    except FileNotFoundError:  # someone else removed it first
        return
    shutil.rmtree(trash, ignore_errors=True)
