"""DACS's photometric augmentation against independent formulas."""

import colorsys

import pytest
import torch

from mmseg_pfr.models.utils.photometric import (
    adjust_hue,
    adjust_saturation,
    blur_kernel_size,
    color_jitter,
    gaussian_blur,
    hsv_to_rgb,
    rgb_to_hsv,
)


def random_image(seed: int, size=(2, 3, 5, 7)) -> torch.Tensor:
    return torch.rand(size, generator=torch.Generator().manual_seed(seed))


def test_hsv_matches_colorsys_both_ways():
    rgb = random_image(0)
    # Grey pixels and pure colours, where hue is undefined or at a sector
    # boundary, too.
    rgb[0, :, 0, 0] = torch.tensor([0.3, 0.3, 0.3])
    rgb[0, :, 0, 1] = torch.tensor([1.0, 0.0, 0.0])
    rgb[0, :, 0, 2] = torch.tensor([0.0, 0.0, 0.0])
    hsv = rgb_to_hsv(rgb)
    for n, y, x in [(0, 0, 0), (0, 0, 1), (0, 0, 2), (1, 4, 6), (0, 2, 3)]:
        expected = colorsys.rgb_to_hsv(*rgb[n, :, y, x].tolist())
        assert hsv[n, :, y, x].tolist() == pytest.approx(expected, abs=1e-6)
    torch.testing.assert_close(hsv_to_rgb(hsv), rgb, atol=1e-6, rtol=0)


def test_hue_and_saturation_as_colorsys():
    rgb = random_image(1)
    shifted = adjust_hue(rgb, 0.3)
    saturated = adjust_saturation(rgb, 0.5)
    for n, y, x in [(0, 1, 2), (1, 3, 5)]:
        h, s, v = colorsys.rgb_to_hsv(*rgb[n, :, y, x].tolist())
        hue = colorsys.hsv_to_rgb((h + 0.3) % 1.0, s, v)
        sat = colorsys.hsv_to_rgb(h, s * 0.5, v)
        assert shifted[n, :, y, x].tolist() == pytest.approx(hue, abs=1e-5)
        assert saturated[n, :, y, x].tolist() == pytest.approx(sat, abs=1e-5)


def test_color_jitter_is_seeded_bounded_and_zero_strength_is_identity():
    rgb = random_image(2)

    def jitter(seed, strength=0.2):
        gen = torch.Generator().manual_seed(seed)
        return color_jitter(rgb, strength, gen)

    assert torch.equal(jitter(5), jitter(5))
    assert not torch.equal(jitter(5), jitter(6))
    out = jitter(7)
    assert out.min() >= 0 and out.max() <= 1
    torch.testing.assert_close(jitter(8, 0.0), rgb, atol=1e-6, rtol=0)


@pytest.mark.parametrize(
    'length, size', [(512, 51), (1024, 103), (510, 51), (128, 13), (9, 1)]
)
def test_blur_kernel_is_dacs_tenth_made_odd(length, size):
    # DACS: floor(ceil(0.1 L) - 0.5 + ceil(0.1 L) % 2)
    k = -(-length // 10)
    assert size == int(k - 0.5 + k % 2)
    assert blur_kernel_size(length) == size


def test_gaussian_blur_against_direct_sum():
    img = random_image(3, (1, 1, 30, 40))
    sigma = 0.9
    out = gaussian_blur(img, sigma)
    ky, kx = blur_kernel_size(30), blur_kernel_size(40)  # 3 and 3

    def weights(k):
        x = torch.arange(k, dtype=torch.float32) - k // 2
        w = torch.exp(-(x**2) / (2 * sigma**2))
        return w / w.sum()

    wy, wx = weights(ky), weights(kx)
    y, x = 10, 20  # an interior pixel: no border handling involved
    patch = img[0, 0, y - 1 : y + 2, x - 1 : x + 2]
    expected = (wy[:, None] * wx[None, :] * patch).sum()
    torch.testing.assert_close(out[0, 0, y, x], expected)
    # A constant image stays constant (normalised kernel, reflected borders).
    flat = torch.full((1, 3, 30, 40), 0.25)
    torch.testing.assert_close(gaussian_blur(flat, 1.1), flat)
