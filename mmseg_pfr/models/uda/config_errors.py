"""Clear messages for the UDA model configs that cannot work: the arguments
of earlier versions of this plugin, a leaf ``model`` merged into an mmseg
zoo segmentor's dict, and a term the config names without a type (a typo
in ``--cfg-options model.terms.pfrr.weight=0.01``)."""

import difflib
from typing import Iterable, Mapping


class UDAConfigError(TypeError, ValueError):
    """A UDA model config that cannot build what it means; the message
    names the key and the fix. (A TypeError for arguments the model does
    not take, a ValueError for values it cannot use: callers catch
    either.)"""


# What each argument of the flat UDASegmentor API became.
MOVED = {
    'lambda_adv': "terms.adv.weight (terms=dict(adv=dict(type='"
    "AdversarialTerm', weight=0.002, discriminator=...)))",
    'discriminator': 'terms.adv.discriminator',
    'gan_loss': 'terms.adv.gan_loss',
    'lambda_pfr': "terms.pfr.weight (terms=dict(pfr=dict(type='PFRTerm', "
    'weight=0.004)))',
    'pfr_loss': 'terms.pfr.loss',
    'lambda_st': "terms.st.weight (terms=dict(st=dict(type='"
    "SelfTrainingTerm', weight=1.0)), with teacher=dict(type='MeanTeacher'))",
    'self_training': "teacher=dict(type='MeanTeacher', alpha=..., "
    'pseudo_threshold=...) and terms.st.class_mix',
}
# Keys of an mmseg segmentor config.
SEGMENTOR_KEYS = {
    'backbone',
    'neck',
    'decode_head',
    'auxiliary_head',
    'num_stages',
    'test_cfg',
}


def check_arguments(unknown: Iterable[str]) -> None:
    """A TypeError that says how to fix UDASegmentor arguments it does not
    take; nothing when there are none."""
    unknown = sorted(unknown)
    if not unknown:
        return
    segmentor_keys = sorted(SEGMENTOR_KEYS.intersection(unknown))
    if segmentor_keys:
        raise UDAConfigError(
            f'UDASegmentor got the segmentor keys {segmentor_keys}: the '
            "leaf config's model was merged into the base's segmentor dict. "
            'Wrap the segmentor instead: model = dict(_base_.pfr_adv, '
            '_delete_=True, segmentor=_base_.model), with a recipe of '
            'configs/_base_/uda/terms.py (docs/own_backbone.md)'
        )
    moved = [k for k in unknown if k in MOVED]
    if moved:
        raise UDAConfigError(
            'UDASegmentor now takes each UDA term in terms=dict(...): '
            + '; '.join(f'{k} is {MOVED[k]}' for k in moved)
            + ' (docs/components.md)'
        )
    raise UDAConfigError(f'UDASegmentor got unexpected arguments {unknown}')


def check_term_types(cfgs: Mapping[str, object]) -> None:
    """A :class:`UDAConfigError` naming a term whose config has no
    ``type``: a name the recipe does not have, set by a key (a typo), or a
    new term without its type."""
    known = [
        n for n, c in cfgs.items() if isinstance(c, Mapping) and 'type' in c
    ]
    for name, cfg in cfgs.items():
        if cfg is None or (isinstance(cfg, Mapping) and 'type' in cfg):
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f'; did you mean {close[0]}?' if close else ''
        raise UDAConfigError(
            f'model.terms.{name} is not a term of this config (its terms: '
            f'{", ".join(known) or "none"}){hint} A new term needs its '
            "type, e.g. terms=dict(pfr=dict(type='PFRTerm'))"
        )
