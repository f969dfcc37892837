"""An unknown registered type names the closest registered ones."""

import pytest
from mmseg.registry import DATASETS, MODELS

from mmseg_pfr.utils.registry_hint import unknown_type_message


def error_of(registry, kind: str) -> KeyError:
    with pytest.raises(KeyError) as error:
        registry.build(dict(type=kind))
    return error.value


@pytest.mark.parametrize(
    'registry, kind, expected',
    [
        (MODELS, 'PFRTem', 'PFRTerm, PFRNeck'),
        (MODELS, 'MeanTeacherSelfTraining', 'MeanTeacher, SelfTrainingTerm'),
        (DATASETS, 'CityscapeDataset', 'CityscapesDataset'),
    ],
)
def test_typos_and_old_names_get_the_closest_names(registry, kind, expected):
    message = unknown_type_message(error_of(registry, kind))
    registry_name = 'model' if registry is MODELS else 'dataset'
    assert message.startswith(
        f"type='{kind}' is not in the mmseg::{registry_name} registry; the "
        f'closest registered names: {expected}'
    )


def test_nothing_close_asks_for_custom_imports():
    assert unknown_type_message(error_of(MODELS, 'Zzzqqq')) == (
        "type='Zzzqqq' is not in the mmseg::model registry; is the module "
        'that registers it in custom_imports?'
    )


def test_an_error_raised_inside_a_constructor_is_found():
    # mmengine re-raises errors of nested builds with the class prefixed.
    with pytest.raises(KeyError) as error:
        MODELS.build(
            dict(type='UDASegmentor', segmentor=dict(type='EncoderDecodr'))
        )
    assert unknown_type_message(error.value).startswith(
        "type='EncoderDecodr' is not in the mmseg::model registry; the "
        'closest registered names: EncoderDecoder'
    )


def test_other_key_errors_are_left_alone():
    assert unknown_type_message(KeyError('decode.loss_ce')) is None
