"""The photometric part of DACS's strong augmentation, on image tensors.

DACS (Tranheden et al., WACV 2021) and DAFormer (Hoyer et al., CVPR 2022)
colour-jitter and blur the ClassMix image before the student sees it, with
kornia 0.5's ``ColorJitter(brightness=s, contrast=s, saturation=s, hue=s)``
and ``GaussianBlur2d``. These are the same operations written in plain
PyTorch (no kornia, no torchvision), with every random draw taken from a
``torch.Generator`` so that a step's augmentation depends only on its seed.

Images are (N, 3, H, W) RGB floats in [0, 1]; hue is in turns ([0, 1)).
"""

import math
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

EPS = 1e-8


def uniform(low: float, high: float, gen: torch.Generator) -> float:
    """One draw from U(low, high)."""
    return low + (high - low) * float(torch.rand((), generator=gen))


def rgb_to_hsv(rgb: Tensor) -> Tensor:
    """(N, 3, H, W) RGB in [0, 1] -> HSV, hue in turns, as ``colorsys``."""
    r, g, b = rgb.unbind(1)
    value, argmax = rgb.max(1)
    delta = value - rgb.min(1).values
    saturation = torch.where(value > 0, delta / value.clamp_min(EPS), 0.0)
    safe = delta.clamp_min(EPS)
    hue = torch.stack(
        [(g - b) / safe, 2.0 + (b - r) / safe, 4.0 + (r - g) / safe]
    ).gather(0, argmax.unsqueeze(0))[0]
    hue = torch.where(delta > 0, (hue / 6.0) % 1.0, 0.0)
    return torch.stack([hue, saturation, value], 1)


def hsv_to_rgb(hsv: Tensor) -> Tensor:
    """The inverse of :func:`rgb_to_hsv`."""
    hue, saturation, value = hsv.unbind(1)
    sector = torch.floor(hue * 6.0)
    frac = hue * 6.0 - sector
    sector = sector.long() % 6
    p = value * (1 - saturation)
    q = value * (1 - saturation * frac)
    t = value * (1 - saturation * (1 - frac))
    # Channel values per hue sector 0..5 (as colorsys.hsv_to_rgb).
    table = torch.stack(
        [
            torch.stack([value, q, p, p, t, value]),
            torch.stack([t, value, value, q, p, p]),
            torch.stack([p, p, t, value, value, q]),
        ]
    )  # (3 channels, 6 sectors, N, H, W)
    index = sector.unsqueeze(0).unsqueeze(0).expand(3, 1, *sector.shape)
    return table.gather(1, index)[:, 0].transpose(0, 1)


def adjust_brightness(img: Tensor, shift: float) -> Tensor:
    """Add ``shift`` (kornia 0.5: brightness factor minus 1)."""
    return (img + shift).clamp(0, 1)


def adjust_contrast(img: Tensor, factor: float) -> Tensor:
    """Scale by ``factor`` (kornia 0.5's contrast)."""
    return (img * factor).clamp(0, 1)


def adjust_saturation(img: Tensor, factor: float) -> Tensor:
    """Scale the HSV saturation by ``factor``."""
    hsv = rgb_to_hsv(img)
    hsv = torch.stack(
        [hsv[:, 0], (hsv[:, 1] * factor).clamp(0, 1), hsv[:, 2]], 1
    )
    return hsv_to_rgb(hsv)


def adjust_hue(img: Tensor, shift: float) -> Tensor:
    """Rotate the hue by ``shift`` turns."""
    hsv = rgb_to_hsv(img)
    hsv = torch.stack([(hsv[:, 0] + shift) % 1.0, hsv[:, 1], hsv[:, 2]], 1)
    return hsv_to_rgb(hsv)


def color_jitter(img: Tensor, strength: float, gen: torch.Generator) -> Tensor:
    """kornia 0.5's ``ColorJitter(s, s, s, s)``: brightness shift U(-s, s),
    contrast and saturation factors U(1 - s, 1 + s), hue shift U(-s, s)
    turns, applied in a random order."""
    s = strength
    ops = (
        lambda x: adjust_brightness(x, uniform(-s, s, gen)),
        lambda x: adjust_contrast(x, uniform(max(0.0, 1 - s), 1 + s, gen)),
        lambda x: adjust_saturation(x, uniform(max(0.0, 1 - s), 1 + s, gen)),
        lambda x: adjust_hue(x, uniform(-s, s, gen)),
    )
    for i in torch.randperm(len(ops), generator=gen).tolist():
        img = ops[i](img)
    return img


def blur_kernel_size(length: int) -> int:
    """DACS's kernel: about a tenth of the image side, rounded to odd
    (``ceil(0.1 * length)``, minus one when even)."""
    k = math.ceil(0.1 * length)
    return k - 1 if k % 2 == 0 else k


def gaussian_kernel(size: int, sigma: float, like: Tensor) -> Tensor:
    """A normalised 1-D Gaussian of odd ``size``."""
    x = torch.arange(size, dtype=like.dtype, device=like.device) - size // 2
    kernel = torch.exp(-(x**2) / (2 * sigma**2))
    return kernel / kernel.sum()


def gaussian_blur(img: Tensor, sigma: float) -> Tensor:
    """Separable Gaussian blur with DACS's kernel size per axis and
    reflected borders (kornia's default)."""
    n, c, h, w = img.shape
    sizes: Tuple[int, int] = (blur_kernel_size(h), blur_kernel_size(w))
    out = img.reshape(n * c, 1, h, w)
    for axis, size in enumerate(sizes):
        if size < 2:
            continue
        kernel = gaussian_kernel(size, sigma, img)
        half = size // 2
        shape = (1, 1, size, 1) if axis == 0 else (1, 1, 1, size)
        pad = (0, 0, half, half) if axis == 0 else (half, half, 0, 0)
        out = F.conv2d(F.pad(out, pad, mode='reflect'), kernel.view(shape))
    return out.reshape(n, c, h, w)
