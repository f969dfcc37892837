from .class_mix import ClassMix, ImageNorm, MixedBatch, class_mask
from .photometric import color_jitter, gaussian_blur, hsv_to_rgb, rgb_to_hsv
from .strong_augment import StrongAugment

__all__ = [
    'ClassMix',
    'ImageNorm',
    'MixedBatch',
    'StrongAugment',
    'class_mask',
    'color_jitter',
    'gaussian_blur',
    'hsv_to_rgb',
    'rgb_to_hsv',
]
