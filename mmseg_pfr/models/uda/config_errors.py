"""Clear messages for the UDA model configs that cannot work: the arguments
of earlier versions of this plugin, and a leaf ``model`` merged into an
mmseg zoo segmentor's dict."""

from typing import Iterable

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
        raise TypeError(
            f'UDASegmentor got the segmentor keys {segmentor_keys}: the '
            "leaf config's model was merged into the base's segmentor dict. "
            'Wrap the segmentor instead: model = dict(_base_.pfr_adv, '
            '_delete_=True, segmentor=_base_.model), with a recipe of '
            'configs/_base_/uda/terms.py (docs/own_backbone.md)'
        )
    moved = [k for k in unknown if k in MOVED]
    if moved:
        raise TypeError(
            'UDASegmentor now takes each UDA term in terms=dict(...): '
            + '; '.join(f'{k} is {MOVED[k]}' for k in moved)
            + ' (docs/components.md)'
        )
    raise TypeError(f'UDASegmentor got unexpected arguments {unknown}')
