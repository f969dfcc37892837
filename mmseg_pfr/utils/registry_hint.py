"""Which registered names are closest to an unknown ``type`` in a config.

mmengine's error for an unknown type (``X is not in the mmseg::model
registry. Please check whether the value of `X` is correct ...``) names no
alternative; a typo (``PFRTem``) or a name from another version
(``MeanTeacherSelfTraining``) leaves the user to search the registries.
"""

import difflib
import re
from typing import List, Optional

UNKNOWN = re.compile(
    r'(?P<name>[^\s`:]+) is not in the (?P<scope>\w+)::(?P<registry>\w+) '
    r'registry'
)


def registered_names(scope: str, registry: str) -> List[str]:
    """Every name registered in ``scope``'s registry called ``registry``
    and in the registries it falls back to."""
    import mmengine.registry as root

    found = [
        getattr(root, attr)
        for attr in dir(root)
        if isinstance(getattr(root, attr), root.Registry)
        and getattr(root, attr).name == registry
    ]
    names: List[str] = []
    for top in found:
        for reg in [top, *top.children.values()]:
            if reg.scope in (scope, 'mmengine'):
                names.extend(reg.module_dict)
    return sorted(set(names))


def unknown_type_message(error: BaseException) -> Optional[str]:
    """mmengine's unknown-type error with the closest registered names, in
    one line; None for any other error."""
    text = str(error.args[0]) if error.args else ''
    match = UNKNOWN.search(text)
    if not match:
        return None
    name, scope, registry = match.group('name', 'scope', 'registry')
    close = difflib.get_close_matches(
        name, registered_names(scope, registry), n=3, cutoff=0.6
    )
    hint = (
        f'; the closest registered names: {", ".join(close)}'
        if close
        else '; is the module that registers it in custom_imports?'
    )
    return f"type='{name}' is not in the {scope}::{registry} registry{hint}"
