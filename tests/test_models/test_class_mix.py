"""ClassMix: the mask, the mixed image and labels, seeded determinism."""

import math

import pytest
import torch

from mmseg_pfr.models.utils.class_mix import ClassMix, ImageNorm, class_mask

IGNORE = 255
NORM = ImageNorm(
    mean=torch.tensor([120.0, 110.0, 100.0]).view(3, 1, 1),
    std=torch.tensor([60.0, 50.0, 40.0]).view(3, 1, 1),
    bgr=False,
)


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def label_with(classes, size=(12, 16), seed=0) -> torch.Tensor:
    """A label map holding exactly ``classes`` (and nothing else)."""
    flat = torch.tensor(classes).repeat(size[0] * size[1] // len(classes) + 1)
    order = torch.randperm(size[0] * size[1], generator=gen(seed))
    return flat[order].view(size)


def batch(n=2, src_size=(12, 16), tgt_size=(12, 16), seed=0):
    g = gen(seed)
    return dict(
        source_image=torch.randn(n, 3, *src_size, generator=g),
        source_label=torch.stack(
            [
                label_with([0, 2, 3, 5, IGNORE], src_size, seed + i)
                for i in range(n)
            ]
        ),  # fmt: skip
        target_image=torch.randn(n, 3, *tgt_size, generator=g),
        pseudo_label=torch.randint(0, 6, (n, *tgt_size), generator=g),
        pseudo_weight=torch.full((n, *tgt_size), 0.3),
        norm=NORM,
    )


@pytest.mark.parametrize('classes', [[1], [1, 4], [0, 1, 2], [0, 3, 6, 7, 9]])
def test_mask_takes_half_the_classes_rounded_up_never_ignore(classes):
    label = label_with(classes + [IGNORE])
    for seed in range(5):
        mask = class_mask(label, IGNORE, gen(seed))
        chosen = set(label[mask].tolist())
        assert len(chosen) == math.ceil(len(classes) / 2)
        assert chosen <= set(classes)
        # Whole classes: every pixel of a chosen class, none of the others.
        assert torch.equal(mask, torch.isin(label, torch.tensor(list(chosen))))


def test_mask_of_an_all_ignored_label_is_empty():
    label = torch.full((4, 4), IGNORE)
    assert not class_mask(label, IGNORE, gen(0)).any()


def test_mixed_image_labels_and_weights_follow_the_mask():
    data = batch()
    mix = ClassMix(color_jitter_prob=0.0, blur_prob=0.0)
    out = mix(**data, gen=gen(1))
    src, tgt = data['source_image'], data['target_image']
    m = out.mask
    assert m.any() and (~m).any()
    assert torch.equal(
        out.image.permute(1, 0, 2, 3)[:, m], src.permute(1, 0, 2, 3)[:, m]
    )
    assert torch.equal(
        out.image.permute(1, 0, 2, 3)[:, ~m], tgt.permute(1, 0, 2, 3)[:, ~m]
    )
    assert torch.equal(out.label[m], data['source_label'][m])
    assert torch.equal(out.label[~m], data['pseudo_label'][~m])
    assert torch.all(out.weight[m] == 1.0)
    assert torch.all(out.weight[~m] == 0.3)
    # The source's ignored pixels are never pasted.
    assert not (out.label == IGNORE).any()


def test_same_seed_same_mix_other_seed_other_mix():
    data = batch()
    mix = ClassMix()
    a, b, c = (mix(**data, gen=gen(s)) for s in (3, 3, 4))
    for x, y in zip(a, b):
        assert torch.equal(x, y)
    assert not torch.equal(a.mask, c.mask) or not torch.equal(a.image, c.image)


def test_larger_source_is_cropped_to_the_target_size():
    data = batch(src_size=(20, 24), tgt_size=(12, 16))
    out = ClassMix(color_jitter_prob=0.0, blur_prob=0.0)(**data, gen=gen(2))
    assert out.image.shape == (2, 3, 12, 16)
    assert out.label.shape == out.weight.shape == out.mask.shape == (2, 12, 16)
    # The pasted pixels are a crop of the source: find its offset.
    src = data['source_image'][0]
    m = out.mask[0]
    y, x = [int(i[0]) for i in torch.nonzero(m, as_tuple=True)]
    hits = [
        (top, left)
        for top in range(9)
        for left in range(9)
        if torch.equal(src[:, top + y, left + x], out.image[0, :, y, x])
    ]
    assert len(hits) == 1
    top, left = hits[0]
    crop = src[:, top : top + 12, left : left + 16]
    assert torch.equal(out.image[0][:, m], crop[:, m])


def test_smaller_source_is_resized():
    data = batch(src_size=(6, 8), tgt_size=(12, 16))
    out = ClassMix(color_jitter_prob=0.0, blur_prob=0.0)(**data, gen=gen(2))
    assert out.image.shape == (2, 3, 12, 16)
    assert set(out.label[out.mask].tolist()) <= {0, 2, 3, 5}


def test_strong_augment_keeps_the_normalisation_round_trip():
    # Jitter of strength 0 and no blur: the image comes back unchanged
    # through denormalise -> RGB -> jitter -> renormalise, in BGR too.
    data = batch()
    for bgr in (False, True):
        data['norm'] = NORM._replace(bgr=bgr)
        raw = torch.rand(1, 3, 12, 16) * 255
        image = (raw - NORM.mean) / NORM.std
        mix = ClassMix(color_jitter_strength=0.0, color_jitter_prob=1.0,
                       blur_prob=0.0)  # fmt: skip
        out = mix.strong_augment(image, data['norm'], gen(0))
        torch.testing.assert_close(out, image, atol=1e-4, rtol=0)


def test_colour_jitter_sees_rgb_whatever_the_channel_order():
    # The same picture in RGB and in BGR order gets the same jitter.
    raw = torch.rand(1, 3, 12, 16) * 255
    mean_rgb = NORM.mean
    rgb_in = (raw - mean_rgb) / NORM.std
    bgr_norm = ImageNorm(mean_rgb.flip(0), NORM.std.flip(0), True)
    bgr_in = (raw.flip(1) - bgr_norm.mean) / bgr_norm.std
    mix = ClassMix(color_jitter_prob=1.0, blur_prob=0.0)
    out_rgb = mix.strong_augment(rgb_in, NORM, gen(9))
    out_bgr = mix.strong_augment(bgr_in, bgr_norm, gen(9))
    back_rgb = out_rgb * NORM.std + NORM.mean
    back_bgr = (out_bgr * bgr_norm.std + bgr_norm.mean).flip(1)
    torch.testing.assert_close(back_rgb, back_bgr, atol=1e-3, rtol=0)
    assert not torch.allclose(out_rgb, rgb_in, atol=1e-2)
