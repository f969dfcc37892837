"""How far apart a trained segmentor's source and target features are, stage
by stage: what PFR's losses measure, over many images instead of one pair.

For each stage PFR aligns (the UDA model's PFR term's stages, else every
stage the backbone returns)
and ``N`` source/target image pairs of the config's training data:

- ``style``: ``L_sty`` over the N images, the squared distance between the
  two domains' mean Gram matrices;
- ``content``: ``L_con`` averaged over the N pairs;
- ``gram_cross`` / ``gram_within``: the relative distance
  ``||A - B|| / mean(||A||, ||B||)`` between mean Grams of different
  domains and, as its noise floor, between the two halves of one domain
  (larger of source and target); ``ratio`` is the first over the second.

A checkpoint trained with PFR should show smaller style distances and
ratios than a source-only one of the same network.
"""

from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from torch import Tensor

from ..models.losses.pfr_loss import content_loss, gram_matrix
from ..models.uda.terms.pfr import PFRTerm, select_stages


def pfr_stages(model, inputs: Tensor) -> List[Tensor]:
    """The backbone stages PFR aligns (those of ``model``'s PFR term, or
    every one), for a preprocessed batch; ``model`` is a UDASegmentor or
    an mmseg segmentor."""
    segmentor = getattr(model, 'segmentor', model)
    terms = dict(model.named_terms()) if hasattr(model, 'named_terms') else {}
    pfr = [t for t in terms.values() if isinstance(t, PFRTerm)]
    return select_stages(
        segmentor.backbone(inputs), pfr[0].stages if pfr else None
    )


class GapAccumulator:
    """Running sums over image pairs, per stage: Gram sums per domain and
    half (pairs alternate between halves) and the content loss sum; none of
    the features is kept."""

    def __init__(self) -> None:
        self.gram_sums: Dict[Tuple[str, int], List[Tensor]] = {}
        self.content_sum: List[float] = []
        self.counts = [0, 0]

    def add(self, source: List[Tensor], target: List[Tensor]) -> None:
        half = sum(self.counts) % 2
        for domain, stages in (('source', source), ('target', target)):
            grams = [gram_matrix(f).sum(0) for f in stages]
            old = self.gram_sums.get((domain, half))
            self.gram_sums[domain, half] = (
                grams if old is None else [a + b for a, b in zip(old, grams)]
            )
        losses = [float(content_loss(s, t)) for s, t in zip(source, target)]
        self.content_sum = [
            a + b
            for a, b in zip(self.content_sum or [0.0] * len(losses), losses)
        ]
        self.counts[half] += 1

    def mean_gram(self, domain: str, halves: Sequence[int]) -> List[Tensor]:
        """Mean Gram per stage over the given halves of a domain."""
        count = sum(self.counts[h] for h in halves)
        sums = zip(*(self.gram_sums[domain, h] for h in halves))
        return [sum(stage) / count for stage in sums]

    def rows(self, channels: Sequence[int]) -> List[dict]:
        """One row per stage (needs at least 2 pairs)."""
        if min(self.counts) == 0:
            raise ValueError('the domain gap needs at least 2 image pairs')
        src, tgt = (self.mean_gram(d, (0, 1)) for d in ('source', 'target'))
        s0, s1, t0, t1 = (
            self.mean_gram(d, (h,))
            for d in ('source', 'target')
            for h in (0, 1)
        )
        rows = []
        for i, c in enumerate(channels):
            cross = 0.5 * (relative(s0[i], t1[i]) + relative(s1[i], t0[i]))
            within = max(relative(s0[i], s1[i]), relative(t0[i], t1[i]))
            rows.append(
                dict(
                    stage=i,
                    channels=c,
                    style=float(((src[i] - tgt[i]) ** 2).mean()),
                    content=self.content_sum[i] / sum(self.counts),
                    gram_cross=cross,
                    gram_within=within,
                    ratio=cross / within if within > 0 else float('inf'),
                )
            )
        return rows


def relative(a: Tensor, b: Tensor) -> float:
    """``||A - B|| / mean(||A||, ||B||)``: comparable across stages."""
    scale = 0.5 * (torch.linalg.norm(a) + torch.linalg.norm(b))
    return float(torch.linalg.norm(a - b) / scale)


@torch.no_grad()
def measure_gap(model, cfg: Config, num_pairs: int = 20) -> List[dict]:
    """Per-stage source/target distances of ``model`` (a UDASegmentor or an
    mmseg segmentor) on the first ``num_pairs`` images of each domain of
    ``cfg``'s UDA training data."""
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset_cfg = cfg.train_dataloader.dataset
    source = DATASETS.build(dataset_cfg.source)
    target = DATASETS.build(dataset_cfg.target)
    segmentor = getattr(model, 'segmentor', model)
    segmentor.eval()
    acc = GapAccumulator()
    channels: List[int] = []
    for i in range(min(num_pairs, len(source), len(target))):
        feats = []
        for dataset in (source, target):
            data = segmentor.data_preprocessor(
                pseudo_collate([dataset[i]]), False
            )
            feats.append(pfr_stages(model, data['inputs']))
        channels = [f.shape[1] for f in feats[0]]
        acc.add(*feats)
    return acc.rows(channels)


def gap_table(results: Dict[str, List[dict]]) -> str:
    """Markdown: one line per run and stage."""
    lines = [
        '| run | stage | channels | L_sty | L_con | Gram distance '
        'cross | within | ratio |',
        '|---|---|---|---|---|---|---|---|',
    ]
    for name, rows in results.items():
        for r in rows:
            lines.append(
                f'| {name} | {r["stage"]} | {r["channels"]} '
                f'| {r["style"]:.3g} | {r["content"]:.3g} '
                f'| {r["gram_cross"]:.3f} | {r["gram_within"]:.3f} '
                f'| {r["ratio"]:.1f} |'
            )
    return '\n'.join(lines) + '\n'


def gap_plot(results: Dict[str, List[dict]], path: str) -> None:
    """Cross-domain Gram distance per stage and run, with the within-domain
    noise floor dashed."""
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.4), dpi=110)
    width = 0.8 / max(len(results), 1)
    for k, (name, rows) in enumerate(results.items()):
        x = np.arange(len(rows)) + (k - (len(results) - 1) / 2) * width
        ax.bar(x, [r['gram_cross'] for r in rows], width, label=name)
        ax.scatter(
            x,
            [r['gram_within'] for r in rows],
            marker='_',
            s=400,
            linewidths=2,
            color='black',
            zorder=3,
        )
    stages = next(iter(results.values()))
    ax.set_xticks(range(len(stages)))
    ax.set_xticklabels(
        [f'stage {r["stage"]}\n({r["channels"]} ch)' for r in stages]
    )
    ax.set_ylabel('relative Gram distance')
    ax.set_title('Source-target style gap (bars); within-domain floor (—)')
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
