"""AdaptSegNet's output-space discriminator (Tsai et al., CVPR 2018).

The domain classifier D of the PFR paper: a fully convolutional network that
reads the segmentation softmax and scores every patch as source (label 0) or
target (label 1). Five 4x4 stride-2 convolutions, LeakyReLU(0.2) between
them, no normalisation and no sigmoid (the GAN loss takes logits).
"""

from typing import Optional

import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class FCDiscriminator(BaseModule):
    """Patch domain classifier on class probabilities.

    Args:
        num_classes: Channels of the segmentation output it reads.
        ndf: Width of the first layer; the next ones are 2, 4 and 8 times it.
        negative_slope: Slope of the LeakyReLU activations.
        init_cfg: None keeps PyTorch's default initialisation, as AdaptSegNet.
    """

    def __init__(
        self,
        num_classes: int,
        ndf: int = 64,
        negative_slope: float = 0.2,
        init_cfg: Optional[dict] = None,
    ) -> None:
        super().__init__(init_cfg)
        widths = [num_classes, ndf, ndf * 2, ndf * 4, ndf * 8]
        layers = []
        for c_in, c_out in zip(widths[:-1], widths[1:]):
            layers += [
                nn.Conv2d(c_in, c_out, 4, stride=2, padding=1),
                nn.LeakyReLU(negative_slope, inplace=True),
            ]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Conv2d(widths[-1], 1, 4, stride=2, padding=1)

    def forward(self, probs: Tensor) -> Tensor:
        """Domain logits (N, 1, H/32, W/32) for probabilities (N, K, H, W)."""
        return self.classifier(self.features(probs))
