"""Test session setup; shared factories live in ``helpers.py``."""

# Before anything imports mmseg.models/mmseg.utils: on mmcv-lite it
# supplies the mmcv ops they import.
import mmseg_pfr  # noqa: F401

# isort: split
import pytest
from mmseg.utils import register_all_modules


@pytest.fixture(autouse=True, scope='session')
def mmseg_scope():
    """Build configs in mmseg's scope, as the runner does."""
    register_all_modules(init_default_scope=True)
