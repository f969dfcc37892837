"""What a user sees from tools/train.py: no known, harmless third-party
warning, every other warning, and the full config in the work dir."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / 'configs/demo/pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
TINY = [
    'train_cfg.max_iters=1',
    'load_from=None',  # no warm start: a fresh model
    'train_dataloader.dataset.source.num_samples=2',
    'train_dataloader.dataset.target.num_samples=2',
    'val_dataloader.dataset.num_samples=2',
    'test_dataloader.dataset.num_samples=2',
    # A real warning, which must still show: mmseg's, for a loss averaged
    # over every pixel.
    'model.segmentor.decode_head.loss_decode.avg_non_ignore=False',
]
# A piece of each of the seven known warnings (compat.quiet).
KNOWN = [
    'MultiScaleDeformableAttention',
    'pkg_resources',
    '``build_loss`` would be deprecated',
    'The prefix is not set in metric class',
    '"FileClient" will be deprecated',
    '"HardDiskBackend" is the alias',
]


@pytest.fixture(scope='module')
def demo_run(tmp_path_factory):
    """The demo config for one iteration, as a user runs it."""
    tmp = tmp_path_factory.mktemp('console')
    env = {k: v for k, v in os.environ.items() if k != 'MMSEG_PFR_QUIET'}
    env['MMSEG_PFR_SYNTHETIC_CACHE'] = str(tmp / 'cache')
    result = subprocess.run(
        [sys.executable, 'tools/train.py', str(DEMO)]
        + ['--work-dir', str(tmp / 'work'), '--cfg-options', *TINY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr, tmp / 'work'


def test_known_warnings_are_gone_and_others_show(demo_run):
    output, _ = demo_run
    assert [k for k in KNOWN if k in output] == []
    assert 'Default ``avg_non_ignore`` is False' in output


def test_work_dir_holds_the_full_config_of_the_run(demo_run):
    _, work_dir = demo_run
    dumped = Config.fromfile(str(work_dir / f'{DEMO.stem}.py'))
    # The runner's own config, as the checkpoint records it (our file).
    meta = torch.load(work_dir / 'iter_1.pth', weights_only=False)['meta']
    assert dumped.to_dict() == Config.fromstring(meta['cfg'], '.py').to_dict()
    assert dumped.train_cfg.max_iters == 1
    assert dumped.work_dir == str(work_dir)
    expected = Config.fromfile(str(DEMO))
    expected.merge_from_dict({TINY[-1].split('=')[0]: False})
    assert dumped.model == expected.model
