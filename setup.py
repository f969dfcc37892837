"""Install mmseg-pfr: ``pip install -e .`` (``.[tests]`` for the test suite).

mmcv comes as two distributions that install the same ``mmcv`` package: a
full ``mmcv`` with compiled ops, or the pure-Python ``mmcv-lite``. A full
mmcv already installed is kept; otherwise mmcv-lite is required, and
``import mmseg_pfr`` supplies the two ops mmseg needs from it.
"""

from importlib import metadata

from setuptools import find_packages, setup


def mmcv_requirement() -> str:
    try:
        metadata.version('mmcv')
        return 'mmcv>=2.0.0,<2.2.0'
    except metadata.PackageNotFoundError:
        return 'mmcv-lite>=2.0.0,<2.2.0'


def version() -> str:
    scope: dict = {}
    with open('mmseg_pfr/version.py') as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='mmseg-pfr',
    version=version(),
    description='Unsupervised domain adaptation for MMSegmentation: '
    'Progressive Feature Refinement + output-space adversarial learning',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmseg_pfr', 'mmseg_pfr.*']),
    python_requires='>=3.10,<3.13',
    install_requires=[
        'torch>=2.0',
        'mmengine>=0.10.0,<0.11.0',
        'mmsegmentation>=1.2.0,<1.3.0',
        mmcv_requirement(),
        # mmseg 1.2 imports these at import time without declaring them.
        'ftfy',
        'regex',
        # mmengine 0.10 resolves `mmseg::` base configs (ours inherit
        # mmseg's runtime) with pkg_resources, which setuptools 82 removed.
        'setuptools<82',
        'numpy',
        'packaging',
        'pillow',
        'matplotlib',
    ],
    extras_require={
        # cityscapesscripts: so that the suite runs the test-server output
        # (15 s to install; nothing downloaded when the tests run).
        'tests': ['pytest>=7', 'pytest-timeout', 'cityscapesscripts'],
        # mmseg's CityscapesMetric (test-server output) needs it.
        'cityscapes': ['cityscapesscripts'],
    },
    license='Apache-2.0',
)
