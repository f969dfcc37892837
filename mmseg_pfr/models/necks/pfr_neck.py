"""``PFRNeck``, kept only to say how to migrate a config that uses it.

The first versions of this plugin named the stages PFR aligns with an
identity neck in the segmentor's config. That took the place of a model's
own neck (FPN, ViT's MultiLevelNeck) and made exported configs depend on
this plugin. PFR now reads the backbone's stage outputs itself, before any
neck, and the stages are an option of the PFR term
(``model.terms.pfr.stages``), so the segmentor's config stays mmseg's own.
"""

from typing import Sequence

from mmengine.model import BaseModule
from mmseg.registry import MODELS


@MODELS.register_module()
class PFRNeck(BaseModule):
    """Refuses to be built, with the migration in its message."""

    def __init__(self, in_index: Sequence[int] = (0, 1, 2, 3), **kwargs):
        raise TypeError(
            "PFRNeck is no longer needed: remove neck=dict(type='PFRNeck', "
            f'in_index={tuple(in_index)}) from the segmentor config (restore '
            "the model's own neck, if it had one) and set "
            f'model.terms.pfr.stages={tuple(in_index)}; PFR reads the '
            "backbone's stages before any neck (docs/own_backbone.md)"
        )
