"""Our training step against the plain-PyTorch anchor, same network, same
crops, same device, one call: a markdown table of both and their ratio.

    python tools/analysis/compare_with_anchor.py --anchor PATH/gpu_anchor.py
        [--device cuda] [--amp fp32 bf16] [--depth 101]
        [--src 720 1280] [--tgt 512 1024]
        [--variants source_only pfr_seq pfr_cat]
        [--iters 15] [--warmup 5] [--out-md FILE]

Each anchor variant is matched by one of our configs doing the same work:
``source_only`` the source-only baseline, ``pfr_seq`` the paper's config
(source and target crops differ: two forwards, one joint backward),
``pfr_cat`` the paper's config with the target at the source's crop (one
concatenated forward). ``--depth 50`` runs both as ResNet-50 (the anchor's
``--blocks 3 4 6 3``), for CPUs.
"""

import argparse
import json
import os
import os.path as osp
import platform
import subprocess
import sys
from datetime import date

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
import mmengine
import mmseg
import torch
from mmengine.config import Config

from mmseg_pfr.apis.benchmark import benchmark_step

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PAPER = 'configs/pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'  # noqa
CONFIGS = dict(
    source_only='configs/baselines/source-only_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py',  # noqa
    pfr_seq=PAPER,
    pfr_cat=PAPER,
)
BLOCKS = {50: '3 4 6 3', 101: '3 4 23 3'}


def run_anchor(args: argparse.Namespace) -> list:
    """The anchor's JSON rows, from its own process."""
    command = [
        sys.executable, args.anchor, '--device', args.device,
        '--iters', str(args.iters), '--warmup', str(args.warmup),
        '--src', *map(str, args.src), '--tgt', *map(str, args.tgt),
        '--blocks', *BLOCKS[args.depth].split(),
        '--variants', *args.variants, '--amp', *args.amp,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()
            if line.startswith('{')]  # fmt: skip


def run_ours(args: argparse.Namespace, variant: str, amp: str) -> dict:
    """Our tool's row for the anchor's variant."""
    cfg = Config.fromfile(osp.join(ROOT, CONFIGS[variant]))
    cfg.merge_from_dict(
        {
            'model.segmentor.backbone.depth': args.depth,
            # pfr_seq: two forwards even if the crops match, as the anchor.
            'model.fuse_forward': variant != 'pfr_seq',
        }
    )
    crops = dict(source=tuple(args.src), target=tuple(args.tgt))
    if variant == 'pfr_cat':
        crops['target'] = crops['source']
    return benchmark_step(
        cfg, device=args.device, amp=amp, iters=args.iters,
        warmup=args.warmup, crops=crops,
    )  # fmt: skip


def table(rows: list) -> str:
    lines = [
        '| variant | amp | anchor median / min ms | ours median / min ms '
        '| ours / anchor (median) | anchor / ours peak GiB |',
        '|---|---|---|---|---|---|',
    ]
    for anchor, ours in rows:
        ratio = ours['ms_median'] / anchor['ms_median']
        lines.append(
            f'| {anchor["variant"]} | {anchor["amp"]} '
            f'| {anchor["ms_median"]:.1f} / {anchor["ms_min"]:.1f} '
            f'| {ours["ms_median"]:.1f} / {ours["ms_min"]:.1f} '
            f'| {ratio:.3f} '
            f'| {anchor["peak_gib"]} / {ours["peak_gib"]} |'
        )
    return '\n'.join(lines) + '\n'


def header(args: argparse.Namespace) -> str:
    if torch.device(args.device).type == 'cuda':
        device = torch.cuda.get_device_name()
    else:
        device = (
            f'{platform.processor() or platform.machine()} CPU, '
            f'{torch.get_num_threads()} threads'
        )
    return (
        f'{date.today()}, {device}; torch {torch.__version__}, mmengine '
        f'{mmengine.__version__}, mmseg {mmseg.__version__}; ResNet-'
        f'{args.depth}, source {args.src[0]}x{args.src[1]}, target '
        f'{args.tgt[0]}x{args.tgt[1]} (pfr_cat: both at the source crop), '
        f'batch 1, {args.iters} timed iterations after {args.warmup}.\n\n'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--anchor', required=True)
    parser.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu'
    )
    parser.add_argument('--amp', nargs='+', default=['fp32', 'bf16'])
    parser.add_argument('--depth', type=int, choices=[50, 101], default=101)
    parser.add_argument('--src', type=int, nargs=2, default=[720, 1280])
    parser.add_argument('--tgt', type=int, nargs=2, default=[512, 1024])
    parser.add_argument(
        '--variants', nargs='+', choices=sorted(CONFIGS),
        default=['source_only', 'pfr_seq', 'pfr_cat'],
    )  # fmt: skip
    parser.add_argument('--iters', type=int, default=15)
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--out-md', help='also write the table here')
    args = parser.parse_args()

    rows = []
    for anchor in run_anchor(args):
        ours = run_ours(args, anchor['variant'], anchor['amp'])
        print(json.dumps(dict(anchor=anchor, ours=ours)), flush=True)
        rows.append((anchor, ours))
    text = header(args) + table(rows)
    print(text)
    if args.out_md:
        with open(args.out_md, 'w') as f:
            f.write(text)
        print(f'wrote {args.out_md}')


if __name__ == '__main__':
    main()
