"""Map the COCO-pretrained DeepLab-v2 that AdaptSegNet and CLAN start from
onto this project's DeepLab-v2 (:class:`ResNetCaffeDeepLab` + ``DLV2Head``).

``DeepLab_resnet_pretrained_init-f81d91e8.pth`` is a plain state dict of the
caffe DeepLab-v2 ResNet-101 pretrained on MS-COCO, every key under
``Scale.``: the stem (``conv1``, ``bn1``), the bottlenecks ``layerN.M`` of
the four stages (``conv1..3``, ``bn1..3``; the first block of each stage also
``downsample.0``, a 1x1 conv, and ``downsample.1``, its BN) and the ASPP
classifier ``layer5.conv2d_list.{0..3}`` (dilations 6, 12, 18, 24) for 21
classes. Its BN layers carry no ``num_batches_tracked``: the file predates
that PyTorch 0.4 buffer.

mmseg's ResNet names its modules exactly like that network, so the backbone
maps by swapping the prefix, and the classifier's branches are
``DLV2Head.aspp`` in the same order.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Tuple

import torch
from torch import Tensor

PREFIX = 'Scale.'
CLASSIFIER = 'layer5.conv2d_list.'
NUM_CLASSES = 21  # the COCO model's classifier, as released
STAGE_BLOCKS = (3, 4, 23, 3)  # ResNet-101
BACKBONE = 'backbone.'
HEAD = 'decode_head.aspp.'


class NotDeepLabCocoError(ValueError):
    """A file is not the COCO DeepLab-v2 state dict this module maps."""


@dataclass
class Conversion:
    """A converted state dict and what became of each released tensor.

    Attributes:
        state_dict: Keys of the segmentor (``backbone.*`` and, when the
            classifier is kept, ``decode_head.aspp.*``).
        mapped: Released key -> its key in ``state_dict``.
        dropped: Released keys left out (the 21-class classifier).
        added: Keys the file lacks, set to the value a new module has (the
            BN ``num_batches_tracked`` counters, 0).
    """

    state_dict: Dict[str, Tensor] = field(default_factory=dict)
    mapped: Dict[str, str] = field(default_factory=dict)
    dropped: List[str] = field(default_factory=list)
    added: List[str] = field(default_factory=list)


def _bn(name: str, width: int) -> Dict[str, Tuple[int, ...]]:
    stats = ('weight', 'bias', 'running_mean', 'running_var')
    return {f'{name}.{stat}': (width,) for stat in stats}


def released_shapes() -> Dict[str, Tuple[int, ...]]:
    """Every key of the released file and the shape of its tensor."""
    shapes = {'conv1.weight': (64, 3, 7, 7), **_bn('bn1', 64)}
    inplanes = 64
    for stage, blocks in enumerate(STAGE_BLOCKS):
        planes = 64 * 2**stage
        out = planes * 4
        for block in range(blocks):
            name = f'layer{stage + 1}.{block}.'
            shapes[name + 'conv1.weight'] = (planes, inplanes, 1, 1)
            shapes[name + 'conv2.weight'] = (planes, planes, 3, 3)
            shapes[name + 'conv3.weight'] = (out, planes, 1, 1)
            for i, width in enumerate((planes, planes, out), 1):
                shapes.update(_bn(f'{name}bn{i}', width))
            if block == 0:  # the stage's projection shortcut
                shapes[name + 'downsample.0.weight'] = (out, inplanes, 1, 1)
                shapes.update(_bn(name + 'downsample.1', out))
            inplanes = out
    for branch in range(4):
        shapes[f'{CLASSIFIER}{branch}.weight'] = (NUM_CLASSES, inplanes, 3, 3)
        shapes[f'{CLASSIFIER}{branch}.bias'] = (NUM_CLASSES,)
    return {PREFIX + key: shape for key, shape in shapes.items()}


def _listing(what: str, items: List[str], most: int = 10) -> str:
    more = f', ... ({len(items) - most} more)' if len(items) > most else ''
    return f'\n  {what} ({len(items)}): {", ".join(items[:most])}{more}'


def check_released(state: Mapping[str, Any], source: str = 'state') -> None:
    """Raise :class:`NotDeepLabCocoError` listing the missing, unexpected
    and misshapen keys unless ``state`` has the released file's layout."""
    expected = released_shapes()
    # Optional: present only if someone re-saved the file with PyTorch >= 0.4.
    counters = {
        key.replace('running_mean', 'num_batches_tracked')
        for key in expected
        if key.endswith('.running_mean')
    }
    missing = sorted(expected.keys() - state.keys())
    unexpected = sorted(state.keys() - expected.keys() - counters)
    misshapen = [
        f'{key} {_shape(state[key])} instead of {expected[key]}'
        for key in sorted(expected.keys() & state.keys())
        if _shape(state[key]) != expected[key]
    ]
    if missing or unexpected or misshapen:
        raise NotDeepLabCocoError(
            f'{source} is not the COCO-pretrained DeepLab-v2 ResNet-101 '
            '(DeepLab_resnet_pretrained_init-f81d91e8.pth) this converter '
            'maps:'
            + (_listing('missing keys', missing) if missing else '')
            + (_listing('unexpected keys', unexpected) if unexpected else '')
            + (_listing('wrong shapes', misshapen) if misshapen else '')
        )


def _shape(value: Any) -> Any:
    return tuple(value.shape) if isinstance(value, Tensor) else 'not a tensor'


def convert(
    state: Mapping[str, Tensor],
    keep_classifier: bool = False,
    source: str = 'state',
) -> Conversion:
    """The released state dict as this project's segmentor keys.

    Args:
        state: The released file's state dict (checked first).
        keep_classifier: Keep the 21-class COCO classifier as
            ``decode_head.aspp.*`` (for a ``DLV2Head`` with
            ``num_classes=21`` and dilations (6, 12, 18, 24)); by default it
            is dropped, as AdaptSegNet does for 19 classes.
        source: Names ``state`` in error messages.
    """
    check_released(state, source)
    result = Conversion()
    for key, value in state.items():
        name = key[len(PREFIX) :]
        if name.startswith(CLASSIFIER):
            if not keep_classifier:
                result.dropped.append(key)
                continue
            target = HEAD + name[len(CLASSIFIER) :]
        else:
            target = BACKBONE + name
        result.state_dict[target] = value
        result.mapped[key] = target
    counters = [
        key.replace('running_mean', 'num_batches_tracked')
        for key in result.state_dict
        if key.endswith('.running_mean')
    ]
    for counter in counters:
        if counter not in result.state_dict:
            result.state_dict[counter] = torch.tensor(0, dtype=torch.long)
            result.added.append(counter)
    return result


def load_released(path: str) -> Dict[str, Tensor]:
    """The state dict in ``path``, unpickled with tensors allowed only."""
    try:
        state = torch.load(path, map_location='cpu', weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as error:  # UnpicklingError, KeyError, RuntimeError...
        raise NotDeepLabCocoError(
            f'Refusing {path}: it is not a plain state dict of tensors '
            '(torch.load with weights_only=True, which unpickles tensors and '
            f'containers only, could not read it: {type(error).__name__})'
        ) from None
    if not isinstance(state, Mapping):
        raise NotDeepLabCocoError(
            f'{path} holds a {type(state).__name__}, not a state dict'
        )
    return dict(state)
