"""benchmark_uda_step.py names the variant that ran, as the model decides
its forwards (a trainable BatchNorm keeps the domains apart)."""

from pathlib import Path

import pytest
from helpers import uda_model_cfg
from mmengine.config import Config
from mmseg.registry import MODELS

from mmseg_pfr.apis.benchmark import set_crop, step_variant

ROOT = Path(__file__).resolve().parents[2]

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


def test_a_smaller_crop_keeps_hrdas_detail_crop_share():
    """At a 64x64 crop (the suite's, or --crop 64 64) HRDA's 512x512 detail
    crop of 1024x1024 crops becomes 32x32, on its grid of 8."""
    cfg = Config.fromfile(
        str(ROOT / 'configs/hrda/hrda-dacs_deeplabv2red-r101v1c_1xb2-40k_'
            'gtaHR2cityscapesHR-1024x1024.py')
    )  # fmt: skip
    set_crop(cfg, (64, 64))
    assert cfg.model.segmentor.detail_crop == (32, 32)
