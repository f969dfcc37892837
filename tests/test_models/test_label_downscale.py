"""DAFormer's 0.75 ratio rule for labels at a feature map's size: a hand-made
label, and a pixel-counting reference on random labels (cells that divide
the label, as DAFormer's avg_pool2d; and cells that do not)."""

import math

import pytest
import torch

from mmseg_pfr.models.utils.label_downscale import downscale_label_ratio

IGNORE = 255


def test_a_hand_made_label():
    # 2x3 cells of 2x2 pixels (I: ignored).
    label = torch.tensor(
        [[3, 3, 5, 5, 1, 1],
         [3, 3, 5, 2, 4, 4],
         [IGNORE, IGNORE, 7, 7, 6, 6],
         [IGNORE, 0, 7, IGNORE, 6, 9]]
    )[None]  # fmt: skip
    out = downscale_label_ratio(label, (2, 3), 0.75, 10, IGNORE)
    expected = torch.tensor(
        [[3,  # all 3
          5,  # 3 of 4 pixels are 5: 0.75 is enough
          IGNORE],  # 1 and 4 cover half each
         [IGNORE,  # the ignore label covers 3 of 4: it wins
          7,  # 7 covers 3 of 4, an ignored pixel counts in the cell
          6]]  # 6 covers 3 of 4
    )[None]  # fmt: skip
    assert torch.equal(out, expected)
    # A higher threshold keeps only the pure cell.
    out = downscale_label_ratio(label, (2, 3), 0.8, 10, IGNORE)
    assert out[0].flatten().tolist() == [3] + [IGNORE] * 5


def test_labels_outside_the_classes_count_as_ignored():
    label = torch.tensor([[19, 19], [19, 2]])[None]
    out = downscale_label_ratio(label, (1, 1), 0.75, 19, IGNORE)
    assert out.item() == IGNORE


def counted(label, size, min_ratio, num_classes):
    """The rule, counting pixels cell by cell; cell i of n over L pixels
    spans [floor(i L / n), ceil((i + 1) L / n)) (adaptive pooling's cells,
    DAFormer's s x s blocks when n divides L)."""
    n, height, width = label.shape
    h, w = size
    out = torch.full((n, h, w), IGNORE)
    for b in range(n):
        for i in range(h):
            rows = slice(i * height // h, math.ceil((i + 1) * height / h))
            for j in range(w):
                cols = slice(j * width // w, math.ceil((j + 1) * width / w))
                cell = label[b, rows, cols].flatten().tolist()
                cell = [c if c < num_classes else IGNORE for c in cell]
                best = max(set(cell), key=lambda c: (cell.count(c), -c))
                share = cell.count(best) / len(cell)
                if best != IGNORE and share >= min_ratio:
                    out[b, i, j] = best
    return out


@pytest.mark.parametrize(
    'label_size, size',
    [((16, 24), (2, 3)), ((16, 16), (4, 4)), ((18, 25), (4, 6))],
)
def test_random_labels_against_pixel_counts(label_size, size):
    gen = torch.Generator().manual_seed(0)
    # Few classes in blocks, so that many cells pass the threshold.
    coarse = torch.randint(0, 4, (3, 4, 4), generator=gen)
    label = torch.nn.functional.interpolate(
        coarse[:, None].float(), label_size, mode='nearest'
    )[:, 0].long()
    noise = torch.rand(label.shape, generator=gen) < 0.15
    label[noise] = torch.randint(0, 5, (int(noise.sum()),), generator=gen)
    label[torch.rand(label.shape, generator=gen) < 0.05] = IGNORE
    for ratio in (0.5, 0.75, 0.9):
        out = downscale_label_ratio(label, size, ratio, 5, IGNORE)
        assert torch.equal(out, counted(label, size, ratio, 5)), ratio
