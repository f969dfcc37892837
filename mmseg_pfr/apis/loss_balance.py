"""How much each UDA loss term moves the segmentor: the gradient norm of
every weighted term with respect to the segmentor's parameters, on training
batches, relative to that of ``L_seg``, the sum of every supervised
segmentation loss the segmentor's own heads log (decode and auxiliary
heads, a cascade's every stage, whatever the losses are called). A term
whose gradient is a thousandth of ``L_seg``'s barely takes part in
training, whatever its weight suggests; this is the first thing to look at
when adaptation does not beat source-only, and how to choose a term's
weight on a new model. Only training data is used.
"""

from typing import Dict, Iterable, List

import torch
from mmengine.dataset import pseudo_collate
from torch import Tensor

SEG_TOTAL = 'L_seg'


def term_losses(model, batch: dict) -> Dict[str, Tensor]:
    """The weighted loss terms of one UDA batch, as ``train_step`` computes
    them, without updating anything: ``L_seg``, each supervised
    segmentation loss in it (``decode.loss_ce``, ``aux.loss_ce``, ...), and
    each UDA term's losses (``adv.loss_adv``, ``pfr.loss_style``, ...)."""
    losses, _ = model.segmentor_losses(*model.preprocess(batch))
    losses = {k: v for k, v in losses.items() if 'loss' in k}
    seg = [k for k in losses if k.split('.')[0] not in model.term_names]
    return {SEG_TOTAL: sum(losses[k] for k in seg), **losses}


def gradient_norms(model, batches: Iterable[dict]) -> List[dict]:
    """Per term: mean value and mean gradient norm over the batches, and
    the norm relative to ``L_seg``'s."""
    params = [p for p in model.inner_segmentor.parameters() if p.requires_grad]
    sums: Dict[str, List[float]] = {}
    n = 0
    for n, batch in enumerate(batches, 1):
        for name, loss in term_losses(model, batch).items():
            grads = torch.autograd.grad(
                loss, params, retain_graph=True, allow_unused=True
            )
            norm = torch.sqrt(
                sum((g**2).sum() for g in grads if g is not None)
            )
            value, total = sums.get(name, (0.0, 0.0))
            sums[name] = (value + float(loss.detach()), total + float(norm))
    if n == 0:
        raise ValueError('gradient_norms needs at least one batch')
    seg = sums[SEG_TOTAL][1]
    return [
        dict(
            term=name, value=value / n, grad_norm=norm / n, relative=norm / seg
        )
        for name, (value, norm) in sums.items()
    ]


def batches_of(dataset, batch_size: int, count: int) -> List[dict]:
    """``count`` collated batches of consecutive pairs of a UDADataset."""
    return [
        pseudo_collate(
            [dataset[i * batch_size + j] for j in range(batch_size)]
        )
        for i in range(count)
    ]


def balance_table(rows: List[dict]) -> str:
    lines = [
        '| term (weighted) | value | gradient norm | relative to L_seg |',
        '|---|---|---|---|',
    ]
    for r in rows:
        lines.append(
            f'| {r["term"]} | {r["value"]:.3g} | '
            f'{r["grad_norm"]:.3g} | {r["relative"]:.2e} |'
        )
    return '\n'.join(lines) + '\n'
