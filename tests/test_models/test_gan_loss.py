"""The adversarial loss and D's accuracy against domain labels."""

import pytest
import torch

from mmseg_pfr.models.losses.gan_loss import (
    SOURCE_LABEL,
    TARGET_LABEL,
    check_gan_loss_type,
    domain_accuracy,
    gan_loss,
)


def test_bce_is_binary_cross_entropy_of_sigmoid():
    logits = torch.tensor([[-2.0, 0.5], [1.0, 3.0]])
    p = logits.sigmoid()
    expected_src = -(1 - p).log().mean()  # label 0
    expected_tgt = -p.log().mean()  # label 1
    torch.testing.assert_close(gan_loss(logits, SOURCE_LABEL), expected_src)
    torch.testing.assert_close(gan_loss(logits, TARGET_LABEL), expected_tgt)


def test_ls_is_mean_squared_error_to_the_label():
    out = torch.tensor([0.2, 0.9, -0.3])
    torch.testing.assert_close(
        gan_loss(out, TARGET_LABEL, 'LS'), ((out - 1) ** 2).mean()
    )


def test_accuracy_is_percentage_on_the_labels_side():
    logits = torch.tensor([-1.0, -0.1, 0.2, 3.0])
    assert domain_accuracy(logits, SOURCE_LABEL).item() == 50
    assert domain_accuracy(logits, TARGET_LABEL).item() == 50
    # LS: the boundary is 0.5, half-way between the labels 0 and 1.
    ls = torch.tensor([0.4, 0.45, 0.6, 0.7])
    assert domain_accuracy(ls, SOURCE_LABEL, 'LS').item() == 50


def test_unknown_type():
    with pytest.raises(ValueError, match=r"one of \('BCE', 'LS'\)"):
        check_gan_loss_type('WGAN')
