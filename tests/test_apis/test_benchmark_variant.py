"""benchmark_uda_step.py names the variant that ran, as the model decides
its forwards (a trainable BatchNorm keeps the domains apart)."""

import pytest
from helpers import uda_model_cfg
from mmseg.registry import MODELS

from mmseg_pfr.apis.benchmark import step_variant

SAME = dict(source=(64, 64), target=(64, 64))
OTHER = dict(source=(72, 128), target=(64, 128))


@pytest.mark.parametrize(
    'kwargs, crops, variant',
    [
        (dict(), SAME, 'pfr_cat'),
        (dict(), OTHER, 'pfr_seq'),
        (dict(frozen_bn=False), SAME, 'pfr_seq'),  # a zoo model's BN
        (dict(fuse_forward=False), SAME, 'pfr_seq'),
        (dict(lambda_pfr=0.0), SAME, 'adaptseg'),
        (dict(lambda_adv=0.0), SAME, 'pfr_only'),
        (dict(lambda_adv=0.0, lambda_pfr=0.0), SAME, 'source_only'),
        (
            dict(lambda_adv=0.0, lambda_st=1.0, self_training=True),
            SAME,
            'self_training_pfr',
        ),
    ],
)
def test_the_variant_is_what_the_model_does(kwargs, crops, variant):
    model = MODELS.build(uda_model_cfg(**kwargs))
    model.train()
    assert step_variant(model, crops) == variant
