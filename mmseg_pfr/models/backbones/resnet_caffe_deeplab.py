"""The ResNet of DeepLab-v2's caffe release (Chen et al., TPAMI 2017), as
AdaptSegNet and CLAN run it with their COCO-pretrained weights.

mmseg's :class:`~mmseg.models.backbones.ResNet` expresses that network with
``style='caffe'`` (stride on the 1x1 conv), the 7x7 stem, ``strides=(1, 2, 1,
1)``, ``dilations=(1, 1, 2, 4)`` and ``contract_dilation=False``, all but one
detail: caffe's pooling rounds output sizes up, so the original stem max-pool
is PyTorch's ``ceil_mode=True``, and mmseg's rounds down. Wherever the stem
convolution's output is even, mmseg's network loses a row or column: a
1280x720 GTA5 crop gives 160x90 instead of 161x91 cells at conv5_x, a 1024x512
Cityscapes image 128x64 instead of 129x65, and logits upsampled to the input
then sample a different grid than the one the weights were trained on.
"""

import torch.nn as nn
from mmseg.models.backbones import ResNet
from mmseg.registry import MODELS


@MODELS.register_module()
class ResNetCaffeDeepLab(ResNet):
    """mmseg's ResNet with the stem max-pool of the caffe DeepLab-v2.

    Args:
        stem_ceil_mode: Round the stem max-pool's output size up, as caffe
            and the released DeepLab-v2 weights do. False gives exactly
            mmseg's :class:`ResNet`.
        **kwargs: The rest of :class:`ResNet`; the DeepLab-v2 network needs
            ``style='caffe'``, ``strides=(1, 2, 1, 1)``, ``dilations=(1, 1,
            2, 4)`` and ``contract_dilation=False`` (see
            ``configs/_base_/models/deeplabv2_r101-caffe.py``).
    """

    def __init__(self, stem_ceil_mode: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stem_ceil_mode = stem_ceil_mode
        # Same window as ResNet's stem pool; only the size rounding differs.
        self.maxpool = nn.MaxPool2d(
            kernel_size=3, stride=2, padding=1, ceil_mode=stem_ceil_mode
        )
