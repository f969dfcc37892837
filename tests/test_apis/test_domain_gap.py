"""The per-stage domain gap against formulas over stored features."""

import pytest
import torch

from mmseg_pfr.apis.domain_gap import GapAccumulator, gap_table, relative


def einsum_gram(f):
    n, c, h, w = f.shape
    # PFR's default Gram (Gatys et al.): divided by the positions only.
    return torch.einsum('nchw,ndhw->ncd', f, f) / (h * w)


def pairs(n=5, seed=0):
    gen = torch.Generator().manual_seed(seed)
    src = [
        [
            torch.randn(1, 3, 6, 8, generator=gen),
            torch.randn(1, 5, 3, 4, generator=gen),
        ]
        for _ in range(n)
    ]
    # The target is another style: scaled, shifted and at another size.
    tgt = [
        [
            2 * torch.randn(1, 3, 4, 8, generator=gen) + 1,
            torch.randn(1, 5, 2, 4, generator=gen),
        ]
        for _ in range(n)
    ]
    return src, tgt


def test_rows_match_the_formulas():
    src, tgt = pairs()
    acc = GapAccumulator()
    for s, t in zip(src, tgt):
        acc.add(s, t)
    rows = acc.rows([3, 5])
    for i, row in enumerate(rows):
        mean_s = torch.cat([einsum_gram(p[i]) for p in src]).mean(0)
        mean_t = torch.cat([einsum_gram(p[i]) for p in tgt]).mean(0)
        assert row['style'] == pytest.approx(
            float(((mean_s - mean_t) ** 2).mean()), rel=1e-5
        )
        content = [
            torch.nn.functional.mse_loss(
                s[i],
                torch.nn.functional.interpolate(
                    t[i],
                    size=s[i].shape[-2:],
                    mode='bilinear',
                    align_corners=False,
                ),
            )
            for s, t in zip(src, tgt)
        ]
        assert row['content'] == pytest.approx(
            float(torch.stack(content).mean()), rel=1e-5
        )
        # Halves alternate: pairs 0, 2, 4 and 1, 3.
        half = [
            torch.cat([einsum_gram(p[i]) for p in d[h::2]]).mean(0)
            for d in (src, tgt)
            for h in (0, 1)
        ]
        s0, s1, t0, t1 = half
        assert row['gram_cross'] == pytest.approx(
            0.5 * (relative(s0, t1) + relative(s1, t0)), rel=1e-5
        )
        assert row['gram_within'] == pytest.approx(
            max(relative(s0, s1), relative(t0, t1)), rel=1e-5
        )
        assert row['ratio'] == pytest.approx(
            row['gram_cross'] / row['gram_within']
        )
    # A real style difference stands above the noise floor at stage 0.
    assert rows[0]['ratio'] > 1


def test_identical_domains_have_no_gap():
    src, _ = pairs()
    acc = GapAccumulator()
    for s in src:
        acc.add(s, [f.clone() for f in s])
    row = acc.rows([3, 5])[0]
    assert row['style'] == 0 and row['content'] == 0
    assert row['gram_cross'] == pytest.approx(row['gram_within'])


def test_needs_two_pairs_and_formats_a_table():
    acc = GapAccumulator()
    src, tgt = pairs(n=1)
    acc.add(src[0], tgt[0])
    with pytest.raises(ValueError, match='at least 2 image pairs'):
        acc.rows([3, 5])
    acc.add(*pairs(n=1, seed=1)[0][0:1], *pairs(n=1, seed=1)[1][0:1])
    table = gap_table({'run': acc.rows([3, 5])})
    assert table.count('\n') == 4 and '| run | 1 | 5 |' in table
