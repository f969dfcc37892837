"""The synthetic benchmark: every demo method, several seeds, one table.

The protocol (docs/synthetic_benchmark.md) mirrors the paper's training: per
seed, one source-pretrained network (the *warm start*, the benchmark's
stand-in for an ImageNet/COCO-pretrained DeepLab-v2) is trained once, and
every method fine-tunes that same network with the same schedule. Each run
trains a config with ``tools/train.py`` (its own process, as a user runs
it), then scores the final checkpoint with ``tools/test.py`` on the target
val split (what adaptation is for) and on the source val split (what the
methods give up, if anything, on the domain they were trained on). The
warm start itself is scored too. Finished runs are kept, so an interrupted
benchmark resumes.
"""

import glob
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import textwrap
from typing import Dict, List, Optional, Sequence

import torch

# The pretraining config every method of a seed starts from.
WARM_START = 'warm-start_deeplabv2-r18gn_1xb2-1200_synthetic-source.py'
# The demo configs, in table order: (row label, config file name).
METHODS = (
    ('source only', 'source-only_deeplabv2-r18gn_1xb2-600_synthetic.py'),
    ('AdaptSegNet', 'adaptsegnet_deeplabv2-r18gn_1xb2-600_synthetic.py'),
    ('PFR only', 'pfr-only_deeplabv2-r18gn_1xb2-600_synthetic.py'),
    ('PFR + adv (paper)', 'pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'),
    ('self-training', 'st_deeplabv2-r18gn_1xb2-600_synthetic.py'),
    ('PFR + self-training', 'pfr-st_deeplabv2-r18gn_1xb2-600_synthetic.py'),
    ('target oracle', 'target-oracle_deeplabv2-r18gn_1xb2-600_synthetic.py'),
)  # fmt: skip
WARM_START_ROW = 'warm start (no fine-tuning)'
DOMAINS = ('target', 'source')


# Every run computes on one CPU thread, so that its numbers do not depend on
# how many runs share the machine (--jobs).
RUN_ENV = dict(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')


def run_command(args: Sequence[str], log_path: str) -> None:
    """Run a tool with this Python on one thread, its output into
    ``log_path``."""
    with open(log_path, 'w') as log:
        result = subprocess.run(
            [sys.executable, *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **RUN_ENV},
        )
    if result.returncode != 0:
        raise RuntimeError(f'{" ".join(args)} failed; see {log_path}')


def last_metrics(json_log: str) -> Dict[str, float]:
    """The last evaluation record (the one with ``mIoU``) of a json log."""
    with open(json_log) as f:
        records = [json.loads(line) for line in f if line.strip()]
    evaluations = [r for r in records if 'mIoU' in r]
    if not evaluations:
        raise ValueError(f'{json_log} holds no evaluation')
    return evaluations[-1]


def newest(work_dir: str, suffix: str) -> str:
    """The newest file ending in ``suffix`` in a work dir's timestamp dirs."""
    found = sorted(glob.glob(osp.join(work_dir, '*', f'*{suffix}')))
    if not found:
        raise FileNotFoundError(f'no *{suffix} under {work_dir}')
    return found[-1]


def train_and_score(
    config: str,
    seed: int,
    work_dir: str,
    tools_dir: str,
    load_from: Optional[str] = None,
) -> Dict[str, float]:
    """Target and source val mIoU of one training run (reused if done),
    fine-tuned from ``load_from`` when given."""
    result_file = osp.join(work_dir, 'benchmark_result.json')
    if osp.exists(result_file):
        with open(result_file) as f:
            return json.load(f)
    options = [f'randomness.seed={seed}']
    if load_from is not None:
        options.append(f'load_from={load_from}')
    os.makedirs(work_dir, exist_ok=True)
    run_command(
        [
            osp.join(tools_dir, 'train.py'),
            config,
            '--work-dir',
            work_dir,
            '--cfg-options',
            *options,
        ],
        work_dir + '.train.log',
    )
    scores = score(config, final_checkpoint(work_dir), work_dir, tools_dir)
    with open(result_file, 'w') as f:
        json.dump(scores, f)
    return scores


def final_checkpoint(work_dir: str) -> str:
    """The checkpoint a finished run names in ``work_dir/last_checkpoint``."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def weights_only(checkpoint: str, out: str) -> str:
    """Save the weights and metadata of ``checkpoint`` (no optimizer or
    message-hub state: what fine-tuning loads) to ``out``."""
    state = torch.load(checkpoint, map_location='cpu', weights_only=False)
    meta = {k: state['meta'][k] for k in ('dataset_meta', 'seed', 'iter')}
    torch.save(dict(state_dict=state['state_dict'], meta=meta), out)
    return out


def score(
    config: str, checkpoint: str, work_dir: str, tools_dir: str
) -> Dict[str, float]:
    """Target and source val mIoU of a checkpoint."""
    scores = {}
    for domain in DOMAINS:
        test_dir = osp.join(work_dir, f'test_{domain}')
        run_command(
            [
                osp.join(tools_dir, 'test.py'),
                config,
                checkpoint,
                '--work-dir',
                test_dir,
                '--cfg-options',
                f'test_dataloader.dataset.domain={domain}',
            ],
            test_dir + '.log',
        )
        scores[domain] = last_metrics(newest(test_dir, '.json'))['mIoU']
    return scores


def warm_start(
    config: str, seed: int, work_dir: str, tools_dir: str
) -> Dict[str, object]:
    """Train (or reuse) the seed's warm start; its weights-only checkpoint
    (``warm_start.pth`` in ``work_dir``) and its scores."""
    scores = train_and_score(config, seed, work_dir, tools_dir)
    out = osp.join(work_dir, 'warm_start.pth')
    if not osp.exists(out):
        weights_only(final_checkpoint(work_dir), out)
    return dict(checkpoint=out, scores=scores)


def summarise(results: Dict[str, List[Dict[str, float]]]) -> List[dict]:
    """Mean and standard deviation per method and domain."""
    rows = []
    for method, runs in results.items():
        row = dict(method=method, runs=len(runs))
        for domain in DOMAINS:
            values = [r[domain] for r in runs]
            row[f'{domain}_mean'] = statistics.mean(values)
            row[f'{domain}_std'] = (
                statistics.stdev(values) if len(values) > 1 else 0.0
            )
            row[f'{domain}_runs'] = values
        rows.append(row)
    return rows


def markdown_table(rows: List[dict]) -> str:
    """The benchmark table: target and source val mIoU, mean ± std."""
    lines = [
        '| method | target val mIoU | source val mIoU | runs (target) |',
        '|---|---|---|---|',
    ]
    for row in rows:
        runs = ', '.join(f'{v:.1f}' for v in row['target_runs'])
        lines.append(
            f'| {row["method"]} '
            f'| {row["target_mean"]:.1f} ± {row["target_std"]:.1f} '
            f'| {row["source_mean"]:.1f} ± {row["source_std"]:.1f} '
            f'| {runs} |'
        )
    return '\n'.join(lines) + '\n'


def bar_chart(rows: List[dict], path: str) -> None:
    """Target (and source) val mIoU per method, error bars one std."""
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    labels = [textwrap.fill(row['method'], 14) for row in rows]
    x = range(len(rows))
    width = 0.38
    fig, ax = plt.subplots(figsize=(1.2 * len(rows) + 1, 3.8), dpi=110)
    for offset, domain, color in ((-1, 'target', '#d9534f'),
                                  (1, 'source', '#5b8bd0')):  # fmt: skip
        ax.bar(
            [i + offset * width / 2 for i in x],
            [row[f'{domain}_mean'] for row in rows],
            width,
            yerr=[row[f'{domain}_std'] for row in rows],
            capsize=3,
            color=color,
            label=f'{domain} val',
        )
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel('mIoU (%)')
    ax.set_title(
        'Synthetic GTA5 -> Cityscapes benchmark (mean ± std over seeds)'
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
