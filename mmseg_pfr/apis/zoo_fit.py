"""A zoo model fitted to the data it will train on: its heads' class count
and its preprocessor's crop.

A zoo config's model carries its own dataset's settings: an ADE20K model's
heads predict 150 classes, a Cityscapes model pads every batch to its
512x1024 (or 832x832) crop. :func:`data_target` reads the class count and
the crop a training config gives (its training dataset's classes and the
``crop_size`` of its pipelines, without reading any data), and
:func:`fit_model` rewrites a model config to them, saying what it changed,
or refuses with a :class:`ZooFitError` naming the key.
"""

from typing import Iterator, List, NamedTuple, Optional, Tuple

from mmseg.registry import DATASETS


class ZooFitError(ValueError):
    """A zoo model that cannot be fitted to the data; the message names
    the key and the fix."""


class DataTarget(NamedTuple):
    """What the model is fitted to; None leaves that setting as it is."""

    num_classes: Optional[int] = None
    # (h, w) of the training crops; () for data without a fixed crop
    # (each batch padded to its largest image).
    crop: Optional[Tuple[int, ...]] = None


def _dataset_nodes(node) -> Iterator[dict]:
    """Every dataset config under ``node``: a paired UDA dataset's source
    and target, a wrapper's dataset(s)."""
    if isinstance(node, dict):
        yield node
        for key in ('source', 'target', 'dataset'):
            yield from _dataset_nodes(node.get(key))
        for child in node.get('datasets') or ():
            yield from _dataset_nodes(child)


def config_classes(dataset: dict) -> Optional[int]:
    """The class count a dataset config declares: its ``metainfo``, or its
    registered type's ``METAINFO``; None if none does."""
    for node in _dataset_nodes(dataset):
        classes = (node.get('metainfo') or {}).get('classes')
        if classes is None and isinstance(node.get('type'), str):
            kind = DATASETS.get(node['type'])
            classes = (getattr(kind, 'METAINFO', None) or {}).get('classes')
        if classes:
            return len(classes)
    return None


def config_crop(dataset: dict) -> Tuple[int, ...]:
    """The largest ``crop_size`` (h, w) of the training pipelines; () when
    they crop nothing."""
    crops = [
        tuple(step['crop_size'])
        for node in _dataset_nodes(dataset)
        for step in node.get('pipeline') or ()
        if isinstance(step, dict) and step.get('crop_size') is not None
    ]
    if not crops:
        return ()
    return tuple(max(c[i] for c in crops) for i in (0, 1))


def data_target(cfg, name: str) -> DataTarget:
    """The class count and crop of training config ``cfg`` (named ``name``
    in errors)."""
    dataset = (cfg.get('train_dataloader') or {}).get('dataset')
    if dataset is None:
        raise ZooFitError(
            f'--data {name}: it has no train_dataloader.dataset; name the '
            'training config (or dataset base) the model is meant for'
        )
    classes = config_classes(dataset)
    if classes is None:
        raise ZooFitError(
            f'--data {name}: its training dataset declares no classes '
            '(metainfo or a registered type); give --num-classes N'
        )
    return DataTarget(classes, config_crop(dataset))


def _heads(model: dict) -> Iterator[Tuple[str, dict]]:
    """(key, config) of every decode and auxiliary head."""
    for kind in ('decode_head', 'auxiliary_head'):
        heads = model.get(kind)
        if isinstance(heads, dict):
            yield f'model.{kind}', heads
        for i, head in enumerate(heads if isinstance(heads, list) else ()):
            yield f'model.{kind}[{i}]', head


def _fit_classes(model: dict, num_classes: int) -> List[str]:
    changes = []
    for key, head in _heads(model):
        own = head.get('num_classes')
        if own is None or own == num_classes:
            continue
        losses = head.get('loss_decode') or []
        for loss in [losses] if isinstance(losses, dict) else losses:
            if loss.get('class_weight') is not None:
                raise ZooFitError(
                    f'{key}.loss_decode.class_weight holds a weight per '
                    f"class of the zoo's {own}; it cannot be kept for "
                    f'{num_classes} classes: remove it from the zoo model, '
                    f'or give {num_classes} weights'
                )
        head['num_classes'] = num_classes
        if head.get('out_channels') == own:
            head['out_channels'] = num_classes
        changes.append(f'{key}.num_classes: {own} -> {num_classes}')
    return changes


def _fit_crop(model: dict, crop: Tuple[int, ...]) -> List[str]:
    pre = model.get('data_preprocessor') or {}
    size = tuple(pre['size']) if pre.get('size') else None
    wanted = crop or None
    if size == wanted:
        return []
    pre['size'] = wanted
    why = (
        'the training crop'
        if crop
        else 'the training data has no fixed crop: each batch is padded to '
        'its largest image'
    )
    return [f'model.data_preprocessor.size: {size} -> {wanted} ({why})']


def _fit_slide(model: dict) -> List[str]:
    """Slide inference's ``crop_size`` and ``stride`` as (h, w) pairs
    (mmseg's UNet base gives integers, which its inference cannot
    unpack)."""
    test_cfg = model.get('test_cfg') or {}
    changes = []
    for key in ('crop_size', 'stride'):
        if test_cfg.get('mode') == 'slide' and isinstance(
            test_cfg.get(key), int
        ):
            value = test_cfg[key]
            test_cfg[key] = (value, value)
            changes.append(
                f'model.test_cfg.{key}: {value} -> {(value, value)} (slide '
                'inference unpacks an (h, w) pair)'
            )
    return changes


def fit_model(model: dict, target: DataTarget) -> List[str]:
    """Rewrite ``model`` (a segmentor config, in place) to ``target``;
    one line per change, and one for what ``target`` left as it was."""
    changes = _fit_slide(model)
    if target.num_classes is not None:
        changes += _fit_classes(model, target.num_classes)
    if target.crop is not None:
        changes += _fit_crop(model, target.crop)
    kept = kept_settings(model, target)
    if kept:
        changes.append(
            f"kept the zoo config's {kept}: --data TRAIN_CONFIG (or "
            '--num-classes, --crop) fits them to your data'
        )
    return changes


def kept_settings(model: dict, target: DataTarget) -> str:
    """The zoo settings ``target`` does not say how to fit."""
    kept = []
    if target.num_classes is None:
        counts = sorted({h['num_classes'] for _, h in _heads(model)
                         if h.get('num_classes') is not None})  # fmt: skip
        if counts:
            kept.append(f'num_classes {", ".join(map(str, counts))}')
    size = (model.get('data_preprocessor') or {}).get('size')
    if target.crop is None and size:
        kept.append(f'data_preprocessor.size {tuple(size)}')
    return ' and '.join(kept)
