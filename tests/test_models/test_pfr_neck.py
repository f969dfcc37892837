"""PFRNeck: identity for the decode head, stage selection for PFR."""

import pytest
import torch
from mmseg.registry import MODELS


def test_passes_stages_unchanged_and_selects_pfr_stages():
    neck = MODELS.build(dict(type='PFRNeck', in_index=(1, 3)))
    x = [torch.randn(1, c, 4, 4) for c in (3, 5, 7, 9)]
    out = neck(x)
    assert len(out) == 4 and all(a is b for a, b in zip(out, x))
    assert [f.shape[1] for f in neck.select(out)] == [5, 9]


def test_default_aligns_all_four_resnet_stages():
    assert MODELS.build(dict(type='PFRNeck')).in_index == (0, 1, 2, 3)


def test_any_number_of_stages_and_channels():
    # e.g. a MiT/Swin backbone's 4 stages, or a 2-stage toy backbone.
    neck = MODELS.build(dict(type='PFRNeck', in_index=(0, 1)))
    x = [torch.randn(1, 32, 8, 8), torch.randn(1, 160, 2, 2)]
    assert neck.select(neck(x)) == list(x)


def test_errors():
    with pytest.raises(ValueError, match='at least one stage'):
        MODELS.build(dict(type='PFRNeck', in_index=()))
    neck = MODELS.build(dict(type='PFRNeck', in_index=(0, 4)))
    with pytest.raises(IndexError, match=r'names stages \[4\].* returns 4'):
        neck.select([torch.zeros(1)] * 4)
