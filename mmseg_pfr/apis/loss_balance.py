"""How much each UDA loss term moves the segmentor: the gradient norm of
every weighted term (``L_seg``, ``lambda_adv L_adv``, ``lambda_pfr L_sty``,
``lambda_pfr L_con``, ``lambda_st L_st``) with respect to the segmentor's
parameters, on
training batches. A term whose gradient is a thousandth of ``L_seg``'s
barely takes part in training, whatever its weight suggests; this is the
first thing to look at when adaptation does not beat source-only. Only
training data is used.
"""

from typing import Dict, Iterable, List

import torch
from mmengine.dataset import pseudo_collate
from torch import Tensor

TERMS = (
    'decode.loss_ce',
    'adv.loss_adv',
    'pfr.loss_style',
    'pfr.loss_content',
    'st.loss_ce',
)


def term_losses(model, batch: dict) -> Dict[str, Tensor]:
    """The weighted loss terms of one UDA batch, as ``train_step`` computes
    them, without updating anything."""
    losses, _ = model.segmentor_losses(*model.preprocess(batch))
    return {k: v for k, v in losses.items() if k in TERMS}


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
            sums[name] = (value + float(loss), total + float(norm))
    if n == 0:
        raise ValueError('gradient_norms needs at least one batch')
    seg = sums['decode.loss_ce'][1]
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
