"""UDAInfiniteSampler: seeded pair streams, sharding, resuming, and each
sample's randomness from its stream position."""

import itertools
import random

import numpy as np
import pytest
from mmengine.runner import Runner
from mmseg.registry import DATASETS
from scipy.stats import chisquare
from test_datasets.test_rare_class_sampling import PIXELS
from test_datasets.tiny_configs import uda_dataset_cfg

from mmseg_pfr.datasets import (
    RareClassSampler,
    StreamIndex,
    UDAInfiniteSampler,
)
from mmseg_pfr.datasets import uda_sampler as sampler_module
from mmseg_pfr.datasets.rare_class_sampling import draw_generator
from mmseg_pfr.datasets.uda_sampler import sample_randomness


class Sizes:
    """Stands in for a UDADataset: only the two lengths matter."""

    def __init__(self, source: int, target) -> None:
        self.source = range(source)
        self.target = None if target is None else range(target)


def take_indices(sampler, n):
    return list(itertools.islice(iter(sampler), n))


def take(sampler, n):
    """The first ``n`` (source, target) pairs of a sampler."""
    return [(i.source, i.target) for i in take_indices(sampler, n)]


def shard_of(rank, world_size, monkeypatch, *args, **kwargs):
    """A sampler as rank ``rank`` of ``world_size`` builds it."""
    monkeypatch.setattr(
        sampler_module, 'get_dist_info', lambda: (rank, world_size)
    )
    return UDAInfiniteSampler(*args, **kwargs)


def test_each_stream_is_a_sequence_of_permutations():
    pairs = take(UDAInfiniteSampler(Sizes(5, 3), seed=7), 30)
    sources, targets = zip(*pairs)
    for k in range(6):
        assert sorted(sources[5 * k : 5 * k + 5]) == list(range(5))
    for k in range(10):
        assert sorted(targets[3 * k : 3 * k + 3]) == list(range(3))
    assert all(isinstance(i, int) for pair in pairs for i in pair)


def test_pairs_depend_on_the_seed_only():
    first = take(UDAInfiniteSampler(Sizes(50, 40), seed=3), 200)
    assert first == take(UDAInfiniteSampler(Sizes(50, 40), seed=3), 200)
    assert first != take(UDAInfiniteSampler(Sizes(50, 40), seed=4), 200)
    sampler = UDAInfiniteSampler(Sizes(50, 40), seed=3)
    take(sampler, 17)
    assert take(sampler, 200) == first  # every iteration starts afresh


def test_a_source_image_meets_different_targets_across_passes():
    # Equal lengths: with one shared permutation every pass would repeat.
    pairs = take(UDAInfiniteSampler(Sizes(20, 20), seed=0), 200)
    partners = {s: set() for s in range(20)}
    for s, t in pairs:
        partners[s].add(t)
    assert min(len(p) for p in partners.values()) >= 5


def test_unshuffled_streams_go_in_order():
    pairs = take(UDAInfiniteSampler(Sizes(3, 2), shuffle=False, seed=0), 6)
    assert pairs == [(0, 0), (1, 1), (2, 0), (0, 1), (1, 0), (2, 1)]


def test_ranks_share_one_stream(monkeypatch):
    whole = take_indices(UDAInfiniteSampler(Sizes(7, 5), seed=1), 40)
    shards = [
        take_indices(shard_of(rank, 2, monkeypatch, Sizes(7, 5), seed=1), 20)
        for rank in (0, 1)
    ]
    assert [p for pair in zip(*shards) for p in pair] == whole
    assert [i.position for i in whole] == list(range(40))
    assert {i.seed for i in whole} == {1}


@pytest.mark.parametrize('shuffle', [True, False])
def test_resume_starts_after_the_consumed_pairs(shuffle):
    whole = take_indices(UDAInfiniteSampler(Sizes(7, 5), shuffle, 3), 100)
    for consumed in (1, 6, 7, 35, 61):
        sampler = UDAInfiniteSampler(Sizes(7, 5), shuffle, 3)
        sampler.resume(consumed)
        assert take_indices(sampler, 100 - consumed) == whole[consumed:]
        # Every later iteration starts there too (a loader restarting).
        assert take_indices(sampler, 3) == whole[consumed : consumed + 3]


def test_resume_on_each_rank_continues_its_share(monkeypatch):
    whole = take_indices(UDAInfiniteSampler(Sizes(7, 5), seed=1), 60)
    for rank in (0, 1):
        sampler = shard_of(rank, 2, monkeypatch, Sizes(7, 5), seed=1)
        sampler.resume(9)
        assert take_indices(sampler, 10) == whole[18 + rank : 38 : 2]


def test_resume_takes_the_checkpoints_seed():
    # mmengine's resume restores the checkpoint's seed after the loader
    # (and its sampler) were built with the config's.
    expected = take_indices(UDAInfiniteSampler(Sizes(7, 5), seed=5), 20)
    sampler = UDAInfiniteSampler(Sizes(7, 5), seed=9)
    sampler.resume(4, seed=5)
    assert take_indices(sampler, 16) == expected[4:]


def test_without_a_target_only_the_source_stream_is_drawn():
    paired = take_indices(UDAInfiniteSampler(Sizes(7, 5), seed=2), 30)
    alone = take_indices(UDAInfiniteSampler(Sizes(7, None), seed=2), 30)
    assert [i.target for i in alone] == [None] * 30
    assert [i._replace(target=None) for i in paired] == alone


def augmentation_draws():
    return np.random.rand(3).tolist(), random.random()


def test_sample_randomness_depends_on_seed_position_and_domain():
    index = StreamIndex(source=4, target=2, position=17, seed=0)
    np.random.seed(123)
    random.seed(123)
    before = augmentation_draws()
    np.random.seed(123)
    random.seed(123)
    with sample_randomness(index, 'source'):
        draws = augmentation_draws()
    # The global generators go on as if nothing had drawn from them.
    assert augmentation_draws() == before
    with sample_randomness(index._replace(source=0, target=0), 'source'):
        assert augmentation_draws() == draws  # the indices do not count
    others = [
        (index._replace(position=18), 'source'),
        (index._replace(seed=1), 'source'),
        (index, 'target'),
    ]
    for other, domain in others:
        with sample_randomness(other, domain):
            assert augmentation_draws() != draws


def test_refuses_a_plain_dataset():
    with pytest.raises(TypeError) as info:
        UDAInfiniteSampler(range(4), seed=0)
    assert str(info.value) == (
        'UDAInfiniteSampler pairs the source and target of a UDADataset, '
        'got a range'
    )


def test_len_is_the_sources():
    assert len(UDAInfiniteSampler(Sizes(9, 4), seed=0)) == 9


def loader_pairs(cfg, num_workers, skip, n):
    """Image names of the pairs of ``n`` batches of a data loader built by
    mmengine's runner, its sampler resumed after ``skip`` batches."""
    loader = Runner.build_dataloader(
        dict(
            batch_size=2,
            num_workers=num_workers,
            sampler=dict(type='UDAInfiniteSampler', shuffle=True),
            dataset=cfg,
        ),
        seed=2024,
    )
    loader.sampler.resume(2 * skip)
    batches = iter(loader)
    names = []
    for _ in range(n):
        batch = next(batches)
        names.append(
            [
                (s.img_path[-9:], t.img_path.split('/')[-1][:13])
                for s, t in zip(
                    batch['source']['data_samples'],
                    batch['target']['data_samples'],
                )
            ]
        )
    return names


def test_resumed_loader_sees_the_same_pairs_with_any_workers(tmp_path):
    cfg = uda_dataset_cfg(tmp_path)
    uninterrupted = loader_pairs(cfg, num_workers=0, skip=0, n=8)
    assert loader_pairs(cfg, num_workers=2, skip=5, n=3) == uninterrupted[5:]
    assert loader_pairs(cfg, num_workers=0, skip=3, n=5) == uninterrupted[3:]
    # The pairs are the sampler's, read through the dataset.
    dataset = DATASETS.build(cfg)
    sampler = UDAInfiniteSampler(dataset, seed=2024)
    first = [
        (
            dataset.source.get_data_info(s)['img_path'][-9:],
            dataset.target.get_data_info(t)['img_path'].split('/')[-1][:13],
        )
        for s, t in take(sampler, 4)
    ]
    assert uninterrupted[0] + uninterrupted[1] == first


class RareClassSizes(Sizes):
    """Stands in for a UDADataset with rare-class sampling over
    :data:`~test_datasets.test_rare_class_sampling.PIXELS`."""

    def __init__(self, target, temperature: float = 0.5) -> None:
        super().__init__(len(PIXELS), target)
        self.rare_class_sampler = RareClassSampler(
            PIXELS, min_pixels=100, class_temp=temperature
        )


def test_rare_class_draws_depend_on_seed_and_position_only():
    dataset = RareClassSizes(5)
    whole = take_indices(UDAInfiniteSampler(dataset, seed=3), 300)
    assert whole == take_indices(UDAInfiniteSampler(dataset, seed=3), 300)
    assert whole != take_indices(UDAInfiniteSampler(dataset, seed=4), 300)
    sampler = dataset.rare_class_sampler
    for index in whole:
        expected = sampler.draw(draw_generator(3, index.position))
        assert (index.rare_class, index.source) == expected
        assert PIXELS[index.source, index.rare_class] > 100
    # The target stream is the one without rare-class sampling.
    plain = take_indices(
        UDAInfiniteSampler(Sizes(len(PIXELS), 5), seed=3), 300
    )
    assert [i.target for i in whole] == [i.target for i in plain]


def test_rare_classes_come_up_at_their_probabilities():
    dataset = RareClassSizes(5)
    n = 12000
    drawn = [
        i.rare_class
        for i in take_indices(UDAInfiniteSampler(dataset, seed=0), n)
    ]
    sampler = dataset.rare_class_sampler
    observed = [drawn.count(c) for c in sampler.classes]
    assert chisquare(observed, n * sampler.probabilities).pvalue > 1e-4


def test_rare_class_resume_draws_nothing_before_the_consumed_pairs(
    monkeypatch,
):
    dataset = RareClassSizes(5)
    whole = take_indices(UDAInfiniteSampler(dataset, seed=3), 100)
    keys = []
    real = sampler_module.draw_generator
    monkeypatch.setattr(
        sampler_module,
        'draw_generator',
        lambda seed, key: keys.append(key) or real(seed, key),
    )
    for consumed in (1, 7, 61):
        keys.clear()
        sampler = UDAInfiniteSampler(dataset, seed=3)
        sampler.resume(consumed)
        assert take_indices(sampler, 100 - consumed) == whole[consumed:]
        assert keys == list(range(consumed, 100))


def test_rare_class_ranks_draw_different_samples_of_one_stream(monkeypatch):
    dataset = RareClassSizes(5, temperature=1.0)
    whole = take_indices(UDAInfiniteSampler(dataset, seed=1), 80)
    shards = [
        take_indices(shard_of(rank, 2, monkeypatch, dataset, seed=1), 40)
        for rank in (0, 1)
    ]
    assert [p for pair in zip(*shards) for p in pair] == whole
    draws = [[(i.rare_class, i.source) for i in shard] for shard in shards]
    assert draws[0] != draws[1]
    # Resumed on each rank, each continues its own share.
    for rank in (0, 1):
        sampler = shard_of(rank, 2, monkeypatch, dataset, seed=1)
        sampler.resume(9)
        assert take_indices(sampler, 10) == whole[18 + rank : 38 : 2]
