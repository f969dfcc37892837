"""The import-time version guard."""

import pytest

from mmseg_pfr.compat.versions import SUPPORTED, check_versions

GOOD = {
    'torch': '2.13.0+cpu',
    'mmengine': '0.10.7',
    'mmsegmentation': '1.2.2',
    'mmcv': '2.1.0',
}


def test_installed_stack_passes():
    check_versions()


def test_supported_stack_passes():
    check_versions(GOOD)
    check_versions({**GOOD, 'mmcv': '2.0.0rc4', 'torch': '2.0.1'})


def test_every_problem_is_named_at_once():
    bad = {
        **GOOD,
        'torch': '1.13.1',
        'mmcv': '2.2.0',
        'mmsegmentation': None,
    }
    with pytest.raises(ImportError) as error:
        check_versions(bad)
    message = str(error.value)
    assert 'torch==1.13.1 is installed, but mmseg_pfr needs torch>=2.0.0' in (
        message
    )
    assert (
        'mmcv==2.2.0 is installed, but mmseg_pfr needs mmcv>=2.0.0,<2.2.0'
        in (message)
    )
    assert 'mmsegmentation is not installed' in message
    assert 'mmengine' not in message.split('Supported')[0]


def test_table_covers_the_stack():
    assert set(SUPPORTED) == set(GOOD)
