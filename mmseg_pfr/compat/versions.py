"""Import-time guard: refuse an unsupported stack with one clear message.

mmseg asserts its own mmcv range with a terse message, and an mmengine or torch
that is too old fails deep inside a training run. Reading the installed
distributions' metadata (without importing them) lets us name every problem at
once, before anything else is imported.
"""

from importlib import metadata
from typing import Dict, List, Optional, Tuple

from packaging.version import Version

# distribution -> (minimum inclusive, maximum exclusive or None)
SUPPORTED: Dict[str, Tuple[str, Optional[str]]] = {
    'torch': ('2.0.0', None),
    'mmengine': ('0.10.0', '0.11.0'),
    'mmsegmentation': ('1.2.0', '1.3.0'),
    'mmcv': ('2.0.0', '2.2.0'),
}
# mmcv is published as two distributions that install the same package.
MMCV_DISTRIBUTIONS = ('mmcv', 'mmcv-lite')


def installed_version(dist: str) -> Optional[str]:
    """The installed version of ``dist`` (for ``mmcv``: ``mmcv`` or
    ``mmcv-lite``), or None when it is not installed."""
    names = MMCV_DISTRIBUTIONS if dist == 'mmcv' else (dist,)
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _problem(dist: str, found: Optional[str]) -> Optional[str]:
    low, high = SUPPORTED[dist]
    wanted = f'>={low}' + (f',<{high}' if high else '')
    if found is None:
        return f'{dist} is not installed (need {dist}{wanted})'
    # Compare releases only: 2.13.0+cpu and 2.0.0rc4 count as 2.13.0, 2.0.0.
    release = Version(found).release
    if release < Version(low).release or (
        high is not None and release >= Version(high).release
    ):
        return (
            f'{dist}=={found} is installed, but mmseg_pfr needs {dist}{wanted}'
        )
    return None


def check_versions(found: Optional[Dict[str, Optional[str]]] = None) -> None:
    """Raise ImportError naming every unsupported package.

    Args:
        found: Versions to check, by distribution name; defaults to the
            installed ones (tests pass their own).
    """
    if found is None:
        found = {dist: installed_version(dist) for dist in SUPPORTED}
    problems: List[str] = [
        p for dist in SUPPORTED if (p := _problem(dist, found.get(dist)))
    ]
    if problems:
        raise ImportError(
            'mmseg_pfr cannot run on this stack:\n  - '
            + '\n  - '.join(problems)
            + '\nSupported: torch>=2.0, mmengine 0.10.x, mmsegmentation 1.2.x '
            "and mmcv or mmcv-lite >=2.0,<2.2 (pip install 'mmcv-lite>=2.0,"
            "<2.2' if you do not need compiled ops)."
        )
