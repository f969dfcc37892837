"""The paired dataset of unsupervised domain adaptation."""

import copy
from contextlib import AbstractContextManager, nullcontext
from typing import Dict, List, Optional, Tuple, Union

import numpy as np
from mmengine.dataset import Compose
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS
from mmseg.utils import ConfigType, OptConfigType
from torch.utils.data import Dataset

from .layout import build_checked_dataset, pipeline_loads_labels
from .rare_class_sampling import (
    RareClassSampler,
    build_rare_class_sampler,
    draw_generator,
)
from .transforms.rare_class_random_crop import (
    MIN_CROP_PIXELS_KEY,
    RARE_CLASS_KEY,
)
from .uda_sampler import StreamIndex, sample_randomness


@DATASETS.register_module()
class UDADataset(Dataset):
    """Labelled source samples, each paired with an unlabelled target one.

    ``dataset[i]`` is ``dict(source=..., target=...)``, each exactly what
    its dataset's pipeline returns (``dict(inputs=..., data_samples=...)``
    from ``PackSegInputs``); mmengine's ``pseudo_collate`` turns a batch of
    them into ``dict(source=dict(inputs=[...], data_samples=[...]),
    target=dict(...))``, what ``UDASegmentor.train_step`` consumes. With
    ``target=None`` (source-only and target-oracle training, where no loss
    uses a target image) no target is loaded: samples, and so batches, are
    ``dict(source=...)`` alone.

    The length is the source's. The target sample is drawn at random:

    - with :class:`~mmseg_pfr.datasets.UDAInfiniteSampler` (the configs'
      choice), the index is a :class:`~mmseg_pfr.datasets.StreamIndex`: a
      ``(source, target)`` pair from two independent seeded shuffles, and
      its position in the stream, which seeds the sample's random
      augmentations per domain (numpy's and Python's generators, restored
      afterwards). So pairs change from epoch to epoch, and a resumed run
      sees exactly the same pairs and augmentations whatever the number of
      workers;
    - with a ``(source, target)`` tuple, that pair, augmented from the
      global generators;
    - with a plain ``int`` index (mmengine's samplers, ``dataset[i]``), the
      target index is drawn from a generator seeded by ``(seed, i)``: the
      same pair every time ``i`` comes up.

    Target labels are never loaded: a target pipeline that loads them
    (``LoadAnnotations``, ``LoadTrainIdAnnotations``) is refused with an
    error rather than silently stripped, so that a config never suggests
    they are used. Both datasets are built with their folders checked
    (:func:`~mmseg_pfr.datasets.layout.build_checked_dataset`), so a wrong
    ``data_root`` fails at once, naming the path and the layout expected.
    Both domains must agree on classes, palette and ignore index;
    ``metainfo`` is the shared one, for mmseg's hooks and visualizer.

    Rare-class sampling (DAFormer, :mod:`.rare_class_sampling`), off by
    default, draws each source image for a class drawn by rarity instead
    of going through the source set: with ``UDAInfiniteSampler`` the
    stream's ``rare_class`` and source index are its draws; a plain
    ``int`` index ``i`` draws them from ``(seed, i)``; a ``(source,
    target)`` pair is loaded as given. The drawn class goes into the
    source sample (``rare_class``, ``rare_class_min_crop_pixels``) for
    :class:`~mmseg_pfr.datasets.transforms.RareClassRandomCrop`. It reads
    the source's class statistics (``class_stats.json`` beside its labels,
    written by its converter; :mod:`.class_stats`) and refuses to start
    when they are missing or stale.

    Args:
        source: Config of the labelled source dataset.
        target: Config of the target dataset; its ``seg_map_path`` may be
            left out. None loads no target.
        seed: Seed of the target draws (and rare-class draws) for ``int``
            indices.
        rare_class_sampling: None (off), or the options of
            :class:`~mmseg_pfr.datasets.RareClassSampler`, DAFormer's by
            default: ``dict(min_pixels=3000, class_temp=0.01,
            min_crop_ratio=0.5)``; ``dict()`` turns it on with them.
    """

    def __init__(
        self,
        source: ConfigType,
        target: OptConfigType,
        seed: int = 0,
        rare_class_sampling: Optional[dict] = None,
    ) -> None:
        self.source: BaseSegDataset = build_checked_dataset(source)
        self.target: Optional[BaseSegDataset] = None
        if target is not None:
            refuse_label_loading(Compose(target.get('pipeline', [])))
            self.target = build_checked_dataset(target)
            check_label_spaces(self.source, self.target)
        self.seed = seed
        self.rare_class_sampler: Optional[RareClassSampler] = None
        if rare_class_sampling is not None:
            self.rare_class_sampler = build_rare_class_sampler(
                self.source, **rare_class_sampling
            )

    @property
    def metainfo(self) -> dict:
        """The classes, palette and label settings both domains share."""
        return copy.deepcopy(self.source.metainfo)

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(
        self, idx: Union[int, Tuple[int, int], StreamIndex]
    ) -> Dict[str, dict]:
        """The source sample and its target partner (none without a target).

        Args:
            idx: A source index (the target is drawn from ``(seed, idx)``,
                and with rare-class sampling the source too), a ``(source
                index, target index)`` pair or a :class:`StreamIndex`
                (also seeds the augmentations).
        """
        if isinstance(idx, StreamIndex):
            return self._pair(idx.source, idx.target, idx, idx.rare_class)
        if isinstance(idx, tuple):
            return self._pair(*idx)
        target_idx = None if self.target is None else self.target_index(idx)
        if self.rare_class_sampler is None:
            return self._pair(idx, target_idx)
        rare_class, source_idx = self.rare_class_sampler.draw(
            draw_generator(self.seed, idx)
        )
        return self._pair(source_idx, target_idx, rare_class=rare_class)

    def _pair(
        self,
        source_idx: int,
        target_idx: Optional[int],
        stream: Optional[StreamIndex] = None,
        rare_class: Optional[int] = None,
    ) -> Dict[str, dict]:
        with _randomness(stream, 'source'):
            if rare_class is None or self.rare_class_sampler is None:
                source = self.source[source_idx]
            else:
                source = self._rare_class_source(source_idx, rare_class)
        sample = dict(source=source)
        if self.target is not None:
            with _randomness(stream, 'target'):
                sample['target'] = self.target[target_idx]
        return sample

    def _rare_class_source(self, index: int, rare_class: int) -> dict:
        """Source image ``index`` drawn for ``rare_class``, through the
        pipeline with the class for the crop. An unusable label (the
        pipeline gives None) takes another image of the class, as
        mmengine's datasets take another image."""
        sampler = self.rare_class_sampler
        for _ in range(self.source.max_refetch + 1):
            info = self.source.get_data_info(index)
            info[RARE_CLASS_KEY] = rare_class
            info[MIN_CROP_PIXELS_KEY] = sampler.min_crop_pixels
            data = self.source.pipeline(info)
            if data is not None:
                return data
            images = sampler.images_of(rare_class)
            index = int(images[np.random.randint(len(images))])
        raise RuntimeError(
            f'UDADataset: {self.source.max_refetch + 1} source images of '
            f'class {rare_class} in a row could not be loaded (the '
            'pipeline returned None); see the warnings above'
        )

    def target_index(self, idx: int) -> int:
        """The target partner of source index ``idx`` for ``int`` indices."""
        rng = np.random.default_rng([self.seed, idx])
        return int(rng.integers(len(self.target)))


def _randomness(
    stream: Optional[StreamIndex], domain: str
) -> AbstractContextManager:
    """The augmentation randomness of ``stream``'s position for
    ``domain``; the global generators as they are without a stream."""
    if stream is None:
        return nullcontext()
    return sample_randomness(stream, domain)


def refuse_label_loading(pipeline: Compose) -> None:
    """Raise if a target pipeline would load labels."""
    if pipeline_loads_labels(pipeline):
        raise ValueError(
            'UDADataset: the target pipeline loads labels, but target '
            'labels are never used for training (the target domain is '
            'unlabelled); remove LoadAnnotations/LoadTrainIdAnnotations '
            'from the target pipeline'
        )


def check_label_spaces(source: BaseSegDataset, target: BaseSegDataset) -> None:
    """Raise ``ValueError`` naming every way the two domains' classes,
    palette and ignore index differ."""
    problems = label_space_mismatches(source, target)
    if problems:
        raise ValueError(
            'UDADataset: source and target must agree on classes, palette '
            'and ignore index, but ' + '; '.join(problems)
        )


def label_space_mismatches(
    source: BaseSegDataset, target: BaseSegDataset
) -> List[str]:
    """How the two domains' label spaces differ, one phrase per problem;
    empty when they agree on classes, palette and ignore index."""
    names = (
        f'the source ({type(source).__name__})',
        f'the target ({type(target).__name__})',
    )
    classes = [list(d.metainfo.get('classes') or ()) for d in (source, target)]
    palettes = [
        [list(c) for c in d.metainfo.get('palette') or ()]
        for d in (source, target)
    ]
    ignore = [getattr(d, 'ignore_index', 255) for d in (source, target)]
    problems = []
    if classes[0] != classes[1]:
        problems.append(_classes_mismatch(names, classes))
    elif palettes[0] != palettes[1]:
        i = next(i for i, (a, b) in enumerate(zip(*palettes)) if a != b)
        problems.append(
            f'their palettes differ at class {i} ({classes[0][i]!r}): '
            f'{names[0]} has {palettes[0][i]}, {names[1]} has '
            f'{palettes[1][i]}'
        )
    if ignore[0] != ignore[1]:
        problems.append(
            f'{names[0]} has ignore_index {ignore[0]}, {names[1]} has '
            f'{ignore[1]}'
        )
    return problems


def _classes_mismatch(names: Tuple[str, str], classes: List[list]) -> str:
    text = (
        f'{names[0]} has {len(classes[0])} classes and {names[1]} has '
        f'{len(classes[1])}'
    )
    only = [[c for c in classes[i] if c not in classes[1 - i]] for i in (0, 1)]
    for name, extra in zip(('source', 'target'), only):
        if extra:
            text += f'; only the {name} has {", ".join(map(repr, extra))}'
    if not any(only):
        diff = [i for i, (a, b) in enumerate(zip(*classes)) if a != b]
        if diff:
            i = diff[0]
            text += (
                f'; their order differs first at index {i}: '
                f'{classes[0][i]!r} vs {classes[1][i]!r}'
            )
    return text
