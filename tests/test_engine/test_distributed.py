"""Two processes (gloo, CPU) train the UDA model through tools/train.py with
mmengine's separate-DDP wrapper: both children stay identical on every rank."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import torch
from helpers import toy_training_config
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]

# mmengine's pytorch launcher calls torch.cuda.set_device, which a CPU build
# lacks; it skips its own set-up when a process group already exists.
DRIVER = """
import runpy, sys
import torch.distributed as dist
dist.init_process_group('gloo')
sys.argv = ['train.py', *sys.argv[1:]]
runpy.run_path({train!r}, run_name='__main__')
"""


def test_two_ranks_keep_identical_weights(tmp_path):
    cfg = Config(toy_training_config(str(tmp_path / 'work'), max_iters=3))
    cfg.merge_from_dict(
        dict(
            custom_hooks=[dict(type='SaveRankWeightsHook')],
            env_cfg=dict(dist_cfg=dict(backend='gloo')),
            # DDP takes no device_ids for CPU modules.
            model_wrapper_cfg=dict(device_ids=None),
            # Different batches per rank: without gradient synchronisation
            # the ranks would drift apart at once.
            train_dataloader=dict(batch_size=1),
        )
    )
    config = str(tmp_path / 'dist.py')
    cfg.dump(config)
    env = dict(
        os.environ,
        PYTHONPATH=f'{ROOT / "tests"}:{os.environ.get("PYTHONPATH", "")}',
        OMP_NUM_THREADS='1',
    )
    driver = tmp_path / 'driver.py'
    driver.write_text(DRIVER.format(train=str(ROOT / 'tools' / 'train.py')))
    torchrun = shutil.which('torchrun', path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [
            torchrun,
            '--nproc_per_node=2',
            '--master_port=29731',
            str(driver),
            config,
            '--launcher',
            'pytorch',
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        result.stdout[-3000:] + result.stderr[-3000:]
    )
    rank0 = torch.load(tmp_path / 'work' / 'rank0.pth', weights_only=True)
    rank1 = torch.load(tmp_path / 'work' / 'rank1.pth', weights_only=True)
    children = {key.split('.')[0] for key in rank0}
    assert children == {'segmentor', 'discriminator'}
    for key, value in rank0.items():
        assert torch.isfinite(value).all(), key
        assert torch.equal(value, rank1[key]), key
    assert 'loss: nan' not in result.stdout + result.stderr
