"""Which registered names are closest to an unknown ``type`` in a config,
and why a config dict has no ``type``.

mmengine's error for an unknown type (``X is not in the mmseg::model
registry. Please check whether the value of `X` is correct ...``) names no
alternative; a typo (``PFRTem``) or a name from another version
(``MeanTeacherSelfTraining``) leaves the user to search the registries.
Its error for a dict without a type (``KeyError: '`cfg` or `default_args`
must contain the key "type", but got {'num_classes': 19}'``) does not say
the usual cause: a ``dict(...)`` written in a config replaces its base's
dict instead of merging into it. Python's error for a key a module does not
take (``EncoderDecoder.__init__() got an unexpected keyword argument
'decode_headd'``) comes with a traceback through the builders.
"""

import difflib
import re
from typing import List, Optional

NO_TYPE = re.compile(
    r'must contain the key "type", but got (?P<cfg>\{.*?\})\n'
)
UNEXPECTED = re.compile(
    r'^(?P<cls>\w+)\.__init__\(\) got an unexpected keyword argument '
    r"'(?P<key>\w+)'$"
)
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


def missing_type_message(error: BaseException) -> Optional[str]:
    """mmengine's error for a config dict without ``type``, in one line
    with its usual causes; None for any other error."""
    text = str(error.args[0]) if error.args else ''
    match = NO_TYPE.search(text)
    if not match:
        return None
    return (
        f'a config dict has no type: {match.group("cfg")}. Either a key '
        'set with --cfg-options names something the config does not have '
        '(a typo), or a dict(...) written inside dict(_base_.<x>, ...) '
        "replaced the base's dict of that key instead of merging into it "
        '(write dict(_base_.<x>.<key>, name=value) there)'
    )


def unexpected_key_message(error: BaseException) -> Optional[str]:
    """A registered class given a config key it does not take, in one
    line; None for any other error."""
    match = (
        UNEXPECTED.match(str(error)) if isinstance(error, TypeError) else None
    )
    if not match:
        return None
    cls, key = match.group('cls', 'key')
    return (
        f'{cls} does not take the config key {key!r}: a typo, or a setting '
        f'of another version or of another type than {cls}'
    )
