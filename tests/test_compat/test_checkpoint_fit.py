"""A checkpoint that does not fit the model is refused, with the documented
exceptions; why the check exists."""

import copy

import pytest
import torch
from helpers import log_to_captured_stdout, tiny_segmentor_cfg, uda_model_cfg
from mmengine.runner import load_checkpoint
from mmseg.registry import MODELS
from torch import nn

from mmseg_pfr.compat.checkpoint_fit import (
    CheckpointMismatchError,
    fit_state_dict,
)


@pytest.fixture
def uda():
    torch.manual_seed(0)
    return MODELS.build(uda_model_cfg())


def test_why_it_exists_mmengine_loads_unrelated_weights_silently(
    uda, tmp_path
):
    before = copy.deepcopy(uda.state_dict())
    path = tmp_path / 'other.pth'
    torch.save(dict(state_dict={'fc.weight': torch.ones(3)}), path)
    load_checkpoint(uda, str(path))  # no error: the model stays random
    assert all(torch.equal(v, uda.state_dict()[k]) for k, v in before.items())


def test_unrelated_weights_are_refused_naming_counts_and_keys(uda):
    # The adversarial term's D, absent as from a source-only checkpoint,
    # and the BN counters (mmengine ignores them too) are not counted.
    expected = [
        k
        for k in uda.state_dict()
        if k.startswith('segmentor.') and not k.endswith('num_batches_tracked')
    ]
    with pytest.raises(CheckpointMismatchError) as error:
        fit_state_dict(uda, {'fc.weight': torch.ones(3)}, 'other.pth')
    # The unrelated keys got the segmentor. prefix (a plain checkpoint).
    assert str(error.value) == (
        f'other.pth does not fit the model: {len(expected)} of the '
        f"model's {len(uda.state_dict())} weights are missing from it "
        f'({", ".join(expected[:3])}, ...); it holds 1 weights the model '
        'has not (segmentor.fc.weight). Are the config and the checkpoint '
        'from the same model?'
    )


def test_weights_of_another_shape_are_refused(uda):
    other = MODELS.build(uda_model_cfg(num_classes=7))
    state = other.state_dict()
    with pytest.raises(CheckpointMismatchError) as error:
        fit_state_dict(uda, state, 'seven.pth')
    message = str(error.value)
    assert message.startswith('seven.pth does not fit the model: ')
    assert (
        'segmentor.decode_head.aspp.0.weight: checkpoint (7, 64, 3, 3), '
        'model (4, 64, 3, 3)'
    ) in message
    assert 'missing' not in message


def test_a_whole_checkpoint_fits_and_ddp_prefixes_are_stripped(uda):
    state = {f'module.{k}': v for k, v in uda.state_dict().items()}
    fit_state_dict(uda, state, 'ddp.pth')
    assert state.keys() == uda.state_dict().keys()


def test_a_source_only_checkpoint_fits_a_model_with_a_discriminator(
    uda, capsys
):
    log_to_captured_stdout('source_only')
    source_only = MODELS.build(
        uda_model_cfg(lambda_adv=0, discriminator=False)
    )
    fit_state_dict(uda, source_only.state_dict(), 'source_only.pth')
    assert (
        "source_only.pth holds no adv.* weights: allowed, the adv term's "
        'own network (a checkpoint of a recipe without it); it keeps its '
        'initial weights.'
    ) in capsys.readouterr().out


def test_a_checkpoint_with_part_of_the_discriminator_is_refused(uda):
    state = uda.state_dict()
    del state['adv.discriminator.features.0.weight']
    with pytest.raises(
        CheckpointMismatchError,
        match=r'1 of the model.s \d+ weights are '
        r'missing from it \(adv.discriminator.features.0.weight\)',
    ):
        fit_state_dict(uda, state, 'partial.pth')


def test_a_plain_mmseg_segmentor_checkpoint_gets_the_segmentor_prefix(uda):
    plain = MODELS.build(tiny_segmentor_cfg())
    state = plain.state_dict()
    fit_state_dict(uda, state, 'mmseg.pth')
    assert set(state) == {
        k for k in uda.state_dict() if k.startswith('segmentor.')
    }
    uda.load_state_dict(state, strict=False)
    for key, value in plain.state_dict().items():
        assert torch.equal(uda.state_dict()[f'segmentor.{key}'], value)


def test_a_checkpoint_without_the_auxiliary_head_fits_a_multilevel_model(
    capsys,
):
    # AdaptSegNet multi-level fine-tuned from a single-level run: the new
    # second classifier keeps its initial weights, the rest is loaded.
    log_to_captured_stdout('single_level')
    multilevel = MODELS.build(uda_model_cfg(aux=True))
    single = MODELS.build(uda_model_cfg()).state_dict()
    fit_state_dict(multilevel, single, 'single_level.pth')
    assert (
        'single_level.pth holds no segmentor.auxiliary_head.* weights: '
        "allowed, the segmentor's auxiliary head, used in training only (a "
        'checkpoint of the network without one); it keeps its initial '
        'weights.'
    ) in capsys.readouterr().out
    # A plain segmentor into a plain segmentor with an auxiliary head.
    plain_aux = MODELS.build(tiny_segmentor_cfg(aux=True))
    plain = MODELS.build(tiny_segmentor_cfg()).state_dict()
    fit_state_dict(plain_aux, plain, 'plain.pth')  # no error


def test_a_one_scale_checkpoint_fits_hrdas_multi_resolution_model(capsys):
    """A source-only warm start into HRDA: the scale attention head keeps
    its initial weights (HRDA trains it from scratch); a plain segmentor
    checkpoint fits a plain multi-resolution segmentor likewise."""
    log_to_captured_stdout('one_scale')
    cfg = uda_model_cfg()
    cfg.segmentor = dict(
        type='MultiResEncoderDecoder', segmentor=cfg.segmentor,
        detail_crop=(16, 16), crop_divisible=16,
    )  # fmt: skip
    hrda = MODELS.build(cfg)
    fit_state_dict(hrda, MODELS.build(uda_model_cfg()).state_dict(), 'w.pth')
    assert (
        'w.pth holds no segmentor.scale_attention.* weights: allowed, the '
        "multi-resolution segmentor's scale attention head (a checkpoint of "
        'the network at one scale); it keeps its initial weights.'
    ) in capsys.readouterr().out
    plain = MODELS.build(cfg.segmentor)
    fit_state_dict(plain, MODELS.build(tiny_segmentor_cfg()).state_dict(), 'p')
    half = {k: v for k, v in hrda.state_dict().items()
            if not k.endswith('scale_attention.aspp.0.weight')}  # fmt: skip
    with pytest.raises(CheckpointMismatchError):  # part of it: refused
        fit_state_dict(hrda, half, 'half.pth')


def test_a_checkpoint_with_part_of_the_auxiliary_head_is_refused():
    multilevel = MODELS.build(uda_model_cfg(aux=True))
    state = multilevel.state_dict()
    key = next(k for k in state if k.startswith('segmentor.auxiliary_head'))
    del state[key]
    with pytest.raises(CheckpointMismatchError, match=f'missing.*{key}'):
        fit_state_dict(multilevel, state, 'partial.pth')


class WithTeacher(nn.Module):
    """A UDA model with a mean-teacher child, as the self-training one."""

    def __init__(self):
        super().__init__()
        self.segmentor = nn.Conv2d(3, 4, 1)
        self.teacher = nn.Module()
        self.teacher.model = nn.Conv2d(3, 4, 1)


def test_a_checkpoint_from_before_self_training_has_no_teacher(capsys):
    log_to_captured_stdout('no_teacher')
    model = WithTeacher()
    state = {
        f'segmentor.{k}': v for k, v in nn.Conv2d(3, 4, 1).state_dict().items()
    }
    fit_state_dict(model, state, 'no_teacher.pth')
    assert (
        'holds no teacher.* weights: allowed, the mean '
        'teacher; it starts as a copy of the student.'
        in (capsys.readouterr().out)
    )


def test_test_time_augmentation_models_are_looked_through(uda):
    tta = MODELS.build(dict(type='SegTTAModel', module=uda_model_cfg()))
    fit_state_dict(tta, uda.state_dict(), 'uda.pth')


def test_children_wrapped_in_their_own_ddp_are_looked_through(uda):
    # MMSeparateDistributedDataParallel wraps each child in a DDP whose
    # state dict says 'segmentor.module.*'; checkpoints say 'segmentor.*'.
    from mmengine.registry import MODEL_WRAPPERS

    @MODEL_WRAPPERS.register_module(force=True)
    class ChildWrapper(nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

    state = copy.deepcopy(uda.state_dict())
    uda.segmentor = ChildWrapper(uda.segmentor)
    uda.adv = ChildWrapper(uda.adv)
    fit_state_dict(ChildWrapper(uda), state, 'iter_2.pth')  # no error
    del state['segmentor.decode_head.aspp.0.weight']
    with pytest.raises(CheckpointMismatchError, match='1 of the model'):
        fit_state_dict(ChildWrapper(uda), state, 'iter_2.pth')
