"""Two processes on the CPU train the UDA model through tools/dist_train.sh,
the launcher users run, with the settings configs ship (nccl, which the CPU
compat replaces by gloo; mmengine's separate-DDP wrapper, no device ids
given): after a few iterations every weight of every child is identical on
both ranks. Each case is a model config, and optionally the real data path;
add one to ``CASES``."""

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, FrozenSet, Optional

import numpy as np
import pytest
import torch
from helpers import tiny_segmentor_cfg, toy_training_config, uda_model_cfg
from mmengine.config import Config
from mmseg.registry import DATASETS
from test_datasets.logged_uda_dataset import loaded_samples
from test_datasets.rare_class_data import rare_class_uda_cfg
from test_models.test_multi_res import hrda_mic_cfg

from mmseg_pfr.datasets.rare_class_sampling import draw_generator

ROOT = Path(__file__).resolve().parents[2]
UDA_CHILDREN = frozenset({'segmentor', 'adv'})


def mic_model_cfg(**segmentor_kwargs) -> dict:
    """The toy model with self-training and MIC's masked consistency."""
    cfg = uda_model_cfg(lambda_st=1.0, self_training=True, **segmentor_kwargs)
    cfg.terms.mic = dict(type='MaskedConsistencyTerm')
    return cfg


@dataclass(frozen=True)
class DDPCase:
    """A model trained on two ranks: ``overrides`` merge into the toy
    training config; ``children`` are the UDASegmentor children whose
    weights both ranks must hold identically. ``dataset(folder)`` gives a
    UDADataset config (made under the test's folder) to train on through
    UDAInfiniteSampler instead of the toy pairs; every sample it loads is
    logged."""

    overrides: dict
    children: FrozenSet[str] = UDA_CHILDREN
    dataset: Optional[Callable[[Path], dict]] = None
    # Log keys the run must show (the terms it trains).
    logged: FrozenSet[str] = frozenset()


CASES = {
    # Equal crops and frozen BN: one concatenated forward (the fused path).
    'fused': DDPCase({}),
    # GTA5 -> Cityscapes: source and target crops differ, so two forwards
    # through the segmentor's DDP wrapper before one backward.
    'two_forwards': DDPCase(
        dict(train_dataloader=dict(dataset=dict(target_size=(40, 56))))
    ),
    # Self-training: the student through its DDP wrapper (also on the mixed
    # images), the teacher unwrapped (no trainable parameter) and updated
    # by every rank from the synchronised student: both identical.
    'self_training': DDPCase(
        dict(model=uda_model_cfg(lambda_st=1.0, self_training=True)),
        children=UDA_CHILDREN | {'teacher'},
    ),
    # Rare-class sampling: each rank draws its own share of one stream.
    'rare_class_sampling': DDPCase(
        dict(model=dict(segmentor=tiny_segmentor_cfg(num_classes=19))),
        dataset=lambda folder: rare_class_uda_cfg(folder, crop=(32, 32)),
    ),
    # Rare-class sampling with self-training and MIC: the student also
    # forwards the mixed and the masked target images through its DDP
    # wrapper before one backward; each rank masks its own images (its own
    # random stream) and labels them with the one shared teacher.
    # HRDA's multi-resolution segmentor with self-training and MIC: two
    # backbone calls per forward (context, detail crop), each rank its own
    # detail crops, one backward through the segmentor's DDP wrapper.
    'hrda_mic': DDPCase(
        dict(model=dict(hrda_mic_cfg(), _delete_=True)),
        children=UDA_CHILDREN | {'teacher'},
        logged=frozenset({'decode.detail.loss_ce', 'mic.loss_ce'}),
    ),
    'mic_rare_class_sampling': DDPCase(
        dict(model=mic_model_cfg(num_classes=19)),
        children=UDA_CHILDREN | {'teacher'},
        dataset=lambda folder: rare_class_uda_cfg(folder, crop=(32, 32)),
        logged=frozenset({'mic.loss_ce', 'st.loss_ce'}),
    ),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def dist_train(config: str, gpus: int) -> subprocess.CompletedProcess:
    """``tools/dist_train.sh CONFIG GPUS`` as a user runs it."""
    env = dict(
        os.environ,
        PATH=f'{Path(sys.executable).parent}:{os.environ["PATH"]}',
        PYTHONPATH=f'{ROOT / "tests"}:{os.environ.get("PYTHONPATH", "")}',
        PORT=str(free_port()),
        OMP_NUM_THREADS='1',
    )
    return subprocess.run(
        ['bash', str(ROOT / 'tools' / 'dist_train.sh'), config, str(gpus)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize('case', CASES.values(), ids=list(CASES))
def test_two_ranks_keep_identical_weights(tmp_path, case):
    cfg = Config(toy_training_config(str(tmp_path / 'work'), max_iters=3))
    cfg.merge_from_dict(
        dict(
            custom_hooks=[dict(type='SaveRankWeightsHook')],
            # What mmseg's default runtime says, for GPUs.
            env_cfg=dict(dist_cfg=dict(backend='nccl')),
            # Different batches per rank: without gradient synchronisation
            # the ranks would drift apart at once.
            train_dataloader=dict(batch_size=1),
        )
    )
    cfg.merge_from_dict(case.overrides)
    if case.dataset is not None:
        use_dataset(cfg, case.dataset(tmp_path / 'data'), tmp_path)
    config = str(tmp_path / 'dist.py')
    cfg.dump(config)
    result = dist_train(config, 2)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    assert 'distributed with gloo instead of the' in log
    rank0 = torch.load(tmp_path / 'work' / 'rank0.pth', weights_only=True)
    rank1 = torch.load(tmp_path / 'work' / 'rank1.pth', weights_only=True)
    assert {key.split('.')[0] for key in rank0} == case.children
    assert rank0.keys() == rank1.keys()
    for key, value in rank0.items():
        assert torch.isfinite(value).all(), key
        assert torch.equal(value, rank1[key]), key
    assert 'loss: nan' not in log
    assert all(f'{key}: ' in log for key in case.logged), log[-3000:]
    if case.dataset is not None:
        check_ranks_drew_one_stream(cfg, tmp_path / 'samples.log')


def use_dataset(cfg: Config, dataset: dict, folder: Path) -> None:
    """Train ``cfg`` on ``dataset`` through UDAInfiniteSampler, logging
    every sample loaded to ``folder / 'samples.log'``."""
    cfg.custom_imports.imports.append('test_datasets.logged_uda_dataset')
    dataset.update(
        type='PositionLoggingUDADataset', log_file=str(folder / 'samples.log')
    )
    cfg.train_dataloader.dataset = dataset
    cfg.train_dataloader.sampler = dict(type='UDAInfiniteSampler')


def check_ranks_drew_one_stream(cfg: Config, log_file: Path) -> None:
    """Rank r of 2 loaded the pairs at positions r, r + 2, ... of the
    stream (no pair twice, none skipped), each source drawn by rare-class
    sampling from ``(seed, position)``."""
    samples = loaded_samples(log_file)
    batches = cfg.train_cfg.max_iters * cfg.train_dataloader.batch_size
    assert sorted(samples) == list(range(2 * batches))
    dataset = DATASETS.build(
        {
            k: v
            for k, v in cfg.train_dataloader.dataset.items()
            if k != 'log_file'
        }
        | dict(type='UDADataset')
    )
    seed = cfg.randomness.seed
    for position, drawn in samples.items():
        expected = dataset.rare_class_sampler.draw(
            draw_generator(seed, position)
        )
        assert drawn == (expected[1], expected[0]), position
    ranks = [[samples[p] for p in range(r, 2 * batches, 2)] for r in (0, 1)]
    assert ranks[0] != ranks[1]
    assert len({c for _, c in samples.values()}) > 1
    assert np.all([c is not None for _, c in samples.values()])
