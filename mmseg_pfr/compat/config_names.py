"""A config that reads a name its bases do not define, in one line.

A leaf config reads its bases' variables as ``_base_.<name>``
(``model = dict(_base_.pfr_adv, ...)``); a typo (``_base_.pfr_advv``) ends
mmengine's ``Config.fromfile`` with a 30-line traceback closing on
``AttributeError: 'ConfigDict' object has no attribute 'pfr_advv'``, which
names neither the file nor the names that exist. :func:`missing_name_message`
names the config file and line, and the closest names its bases define.
"""

import difflib
import re
import traceback
from typing import List, Optional

from mmengine.config import Config

MISSING = re.compile(r"object has no attribute '(?P<name>[^']+)'")


def base_names(path: str) -> List[str]:
    """The top-level names the bases of config ``path`` define (what
    ``_base_.<name>`` can read); none when they cannot be loaded."""
    names: List[str] = []
    try:
        for base in Config._get_base_files(path):
            base_path, _ = Config._get_cfg_path(base, path)
            names.extend(Config.fromfile(base_path).keys())
    except Exception:  # the names are a hint: without them, none is given
        return []
    return sorted(set(names))


def _config_frame(error: BaseException) -> Optional[traceback.FrameSummary]:
    """The frame of the config file's own code in ``error``'s traceback:
    the last one run as a module."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if f.name == '<module>' and f.filename.endswith('.py')
    ]
    return frames[-1] if frames else None


def missing_name_message(error: AttributeError) -> Optional[str]:
    """One line for a config that read a name its bases do not define;
    None for any other error."""
    match = MISSING.search(str(error))
    frame = _config_frame(error)
    if match is None or frame is None:
        return None
    name = match.group('name')
    where = f'{frame.filename}, line {frame.lineno}'
    if f'_base_.{name}' not in (frame.line or ''):
        return f'{where}: {frame.line}: no key {name!r} where it is read'
    close = difflib.get_close_matches(
        name, base_names(frame.filename), n=3, cutoff=0.6
    )
    hint = f'; the closest names: {", ".join(close)}' if close else ''
    return f'{where}: _base_.{name} is not defined by its bases{hint}'
