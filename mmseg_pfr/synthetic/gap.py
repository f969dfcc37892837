"""Measuring the style gap between two sets of images with Gram matrices.

PFR aligns the domains' Gram matrices (feature correlations, i.e. style), so
the gap that matters is the distance between the domain-mean Gram matrices
of the images' features. Two feature spaces are measured: the raw pixels
(3x3 colour correlations) and the three stages of a small convolutional
network with fixed, seeded random weights (random networks capture texture
statistics well: Ustyuzhaninov et al., 2017; He et al., 2016).

A distance only means something against its noise floor, so each set is
split into halves and the cross-domain distance (between halves of
different domains) is compared with the within-domain distances (between
the two halves of one domain), all at the same sample size.
"""

from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.nn as nn

from mmseg_pfr.models.losses.pfr_loss import gram_matrix

# ImageNet statistics (RGB, 0..255): the usual input scaling.
_MEAN = torch.tensor([123.675, 116.28, 103.53]).view(1, 3, 1, 1)
_STD = torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1)


def random_network(seed: int = 0) -> nn.Module:
    """Three stride-2 3x3 conv + ReLU stages (16, 32, 64 channels) with
    Kaiming-normal weights drawn from ``seed``."""
    gen = torch.Generator().manual_seed(seed)
    layers: List[nn.Module] = []
    for cin, cout in ((3, 16), (16, 32), (32, 64)):
        conv = nn.Conv2d(cin, cout, 3, stride=2, padding=1)
        nn.init.kaiming_normal_(
            conv.weight, nonlinearity='relu', generator=gen
        )
        nn.init.zeros_(conv.bias)
        layers.append(nn.Sequential(conv, nn.ReLU()))
    return nn.Sequential(*layers).eval().requires_grad_(False)


@torch.no_grad()
def mean_grams(
    images: Sequence[np.ndarray], net: nn.Module, batch: int = 32
) -> List[torch.Tensor]:
    """Mean Gram matrix over ``images`` of the pixels and of each stage.

    Args:
        images: (H, W, 3) uint8 RGB images, all of one size.
        net: A network of sequential stages (``random_network``).
        batch: Images per forward pass.

    Returns:
        [pixels (3, 3), stage 1 (16, 16), stage 2, stage 3] mean Grams.
    """
    sums: List[torch.Tensor] = []
    for start in range(0, len(images), batch):
        chunk = np.stack(images[start : start + batch])
        x = torch.from_numpy(chunk).permute(0, 3, 1, 2).float()
        feats = [x / 255.0]
        x = (x - _MEAN) / _STD
        for stage in net:
            x = stage(x)
            feats.append(x)
        grams = [gram_matrix(f).sum(0) for f in feats]
        sums = grams if not sums else [s + g for s, g in zip(sums, grams)]
    return [s / len(images) for s in sums]


def gram_distance(
    a: Sequence[torch.Tensor], b: Sequence[torch.Tensor]
) -> np.ndarray:
    """Relative Frobenius distance ``||A - B|| / mean(||A||, ||B||)`` per
    feature space, so spaces of different scales compare."""
    return np.array(
        [
            float(
                torch.linalg.norm(x - y)
                / (0.5 * (torch.linalg.norm(x) + torch.linalg.norm(y)))
            )
            for x, y in zip(a, b)
        ]
    )


def domain_gap(
    source: Sequence[np.ndarray],
    target: Sequence[np.ndarray],
    seed: int = 0,
) -> Dict[str, Dict[str, float]]:
    """Cross-domain against within-domain Gram distances.

    Each set is split into its first and second half. ``cross`` averages
    the distances source half 1 <-> target half 2 and source half 2 <->
    target half 1; ``within_source`` and ``within_target`` are the distances
    between a domain's two halves; ``ratio`` is ``cross`` over the larger
    within-domain distance.

    Args:
        source: Source images (H, W, 3) uint8 RGB, at least 2.
        target: Target images, at least 2; their size may differ from the
            source's (Grams are normalised by the feature map's size).
        seed: Seed of the random network's weights.

    Returns:
        ``{'pixels': {...}, 'random_net': {...}}``, each with ``cross``,
        ``within_source``, ``within_target`` and ``ratio``; ``random_net``
        averages its three stages.
    """
    if min(len(source), len(target)) < 2:
        raise ValueError('domain_gap needs at least 2 images per domain')
    net = random_network(seed)
    s1, s2, t1, t2 = (
        mean_grams(half, net)
        for imgs in (source, target)
        for half in (imgs[: len(imgs) // 2], imgs[len(imgs) // 2 :])
    )
    cross = 0.5 * (gram_distance(s1, t2) + gram_distance(s2, t1))
    within_s, within_t = gram_distance(s1, s2), gram_distance(t1, t2)
    result = {}
    for name, idx in (('pixels', slice(0, 1)), ('random_net', slice(1, None))):
        c, ws, wt = (float(v[idx].mean()) for v in (cross, within_s, within_t))
        result[name] = dict(
            cross=c, within_source=ws, within_target=wt, ratio=c / max(ws, wt)
        )
    return result
