"""MIC's block mask: the block grid and its layout on the image, the share
masked over many draws, the block size rule."""

import pytest
import torch

from mmseg_pfr.models.utils.block_mask import block_mask, scaled_block_size


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_blocks_are_whole_and_binary():
    # 64x96 in 16 px blocks: a 4x6 grid, each block one value.
    mask = block_mask(torch.Size((3, 3, 64, 96)), 0.7, 16, gen(0))
    assert mask.shape == (3, 1, 64, 96)
    assert set(mask.unique().tolist()) <= {0.0, 1.0}
    blocks = mask.view(3, 1, 4, 16, 6, 16)
    assert torch.equal(blocks.amin(dim=(3, 5)), blocks.amax(dim=(3, 5)))
    # The grid is the draw U(0, 1) > ratio, in row-major order.
    grid = torch.rand((3, 1, 4, 6), generator=gen(0)) > 0.7
    assert torch.equal(blocks[:, :, :, 0, :, 0].bool(), grid)


@pytest.mark.parametrize(
    'size, block, grid',
    [
        ((50, 70), 16, (3, 4)),  # round(3.125), round(4.375)
        ((80, 80), 32, (2, 2)),  # round(2.5) = 2, as MIC's Python round
        ((40, 112), 16, (2, 7)),  # round(2.5) = 2, 7 exactly
        ((6, 6), 16, (1, 1)),  # round(0.375) = 0 would be no grid: 1
    ],
)
def test_grid_size_and_nearest_layout(size, block, grid):
    height, width = size
    mask = block_mask(torch.Size((2, 3, height, width)), 0.5, block, gen(3))
    cells = torch.rand((2, 1, *grid), generator=gen(3)) > 0.5
    # Nearest resize: pixel (i, j) shows cell (i * gh // H, j * gw // W).
    rows = torch.arange(height) * grid[0] // height
    cols = torch.arange(width) * grid[1] // width
    expected = cells[:, :, rows][:, :, :, cols].float()
    assert torch.equal(mask, expected)


def test_the_share_masked_over_many_draws():
    g = gen(7)
    masks = [
        block_mask(torch.Size((2, 3, 32, 32)), 0.7, 4, g) for _ in range(100)
    ]
    # 100 draws x 2 images x 64 blocks: sd of the share sqrt(.21 / 12800).
    share = 1 - torch.cat(masks).mean().item()
    assert share == pytest.approx(0.7, abs=0.02)
    # Ratio 0 masks nothing.
    assert block_mask(torch.Size((2, 3, 32, 32)), 0.0, 4, g).all()


def test_block_size_scales_with_the_input_height():
    assert scaled_block_size(64, 1024, 1024) == 64
    assert scaled_block_size(64, 512, 1024) == 32  # MIC with DAFormer
    assert scaled_block_size(64, 128, 1024) == 8
    assert scaled_block_size(64, 720, 1024) == 45
    assert scaled_block_size(64, 4, 1024) == 1  # at least one pixel
    assert scaled_block_size(64, 512, None) == 64  # scaling off
