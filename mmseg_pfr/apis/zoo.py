"""Any config's model as a model base, for wrapping it in the UDA model.

A leaf config wraps an mmseg model base in one line
(``model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)``),
but a whole zoo config (``mmseg::deeplabv3plus/deeplabv3plus_r101-d8_...``)
also brings its dataset, schedule and runtime, which clash with ours among
the bases (mmengine refuses a key defined by two bases).
:func:`model_base_text` writes the model it resolves to, alone, as a model
base file: ``tools/misc/zoo_model.py``, fitted to the data it will train
on (:mod:`.zoo_fit`).
"""

import os
import os.path as osp
import tempfile
from typing import List, Tuple

from mmengine.config import Config

from .zoo_fit import DataTarget, fit_model


def load_any_config(name: str) -> Config:
    """A config file, or a package config such as ``mmseg::fpn/...py``."""
    if '::' not in name:
        return Config.fromfile(name)
    with tempfile.TemporaryDirectory() as folder:
        leaf = osp.join(folder, 'leaf.py')
        with open(leaf, 'w') as file:
            file.write(f'_base_ = {name!r}\n')
        return Config.fromfile(leaf)


def model_base_text(
    name: str, pretrained: bool = True, target: DataTarget = DataTarget()
) -> Tuple[str, List[str]]:
    """The text of a model base holding ``name``'s model (a UDA config's
    segmentor), resolved and fitted to ``target`` (:func:`fit_model`), and
    what the fitting changed, a line each; ``pretrained=False`` drops
    every pretrained weight it names (for machines without network)."""
    model = load_any_config(name).model.to_dict()
    if model.get('type') == 'UDASegmentor':
        model = model['segmentor']
    model = _clean(model, pretrained)
    changes = fit_model(model, target)
    out = Config(dict(model=model))
    text = (
        f'# The model of\n#   {name}\n# resolved by tools/misc/zoo_model.py:'
        ' a model base for a UDA leaf\n# config (docs/own_backbone.md).\n'
        + ''.join(f'# {change}\n' for change in changes)
        + out.pretty_text
    )
    return text, changes


def _clean(node, pretrained: bool):
    """``node`` without mmengine's ``_scope_`` marks and, unless
    ``pretrained``, without ``pretrained`` keys and Pretrained
    init_cfgs."""
    if isinstance(node, dict):
        return {
            k: _clean(v, pretrained)
            for k, v in node.items()
            if k != '_scope_' and (pretrained or not _is_pretrained(k, v))
        }
    if isinstance(node, list):
        return [_clean(v, pretrained) for v in node]
    return node


def _is_pretrained(key: str, value) -> bool:
    return key == 'pretrained' or (
        key == 'init_cfg'
        and isinstance(value, dict)
        and value.get('type') == 'Pretrained'
    )


def write_model_base(
    name: str,
    out: str,
    pretrained: bool = True,
    target: DataTarget = DataTarget(),
) -> List[str]:
    """Write :func:`model_base_text` to ``out`` (its folders made); what
    the fitting changed."""
    text, changes = model_base_text(name, pretrained, target)
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    with open(out, 'w') as file:
        file.write(text)
    return changes
