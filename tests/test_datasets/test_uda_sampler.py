"""UDAInfiniteSampler: seeded pair streams, sharding, resume equivalence."""

import itertools

import pytest
from mmengine.runner import Runner
from mmseg.registry import DATASETS
from test_datasets.tiny_configs import uda_dataset_cfg

from mmseg_pfr.datasets import UDAInfiniteSampler
from mmseg_pfr.datasets import uda_sampler as sampler_module


class Sizes:
    """Stands in for a UDADataset: only the two lengths matter."""

    def __init__(self, source: int, target: int) -> None:
        self.source, self.target = range(source), range(target)


def take(sampler, n):
    return list(itertools.islice(iter(sampler), n))


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
    whole = take(UDAInfiniteSampler(Sizes(7, 5), seed=1), 40)
    shards = []
    for rank in (0, 1):
        monkeypatch.setattr(
            sampler_module, 'get_dist_info', lambda rank=rank: (rank, 2)
        )
        shards.append(take(UDAInfiniteSampler(Sizes(7, 5), seed=1), 20))
    assert [p for pair in zip(*shards) for p in pair] == whole


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
    mmengine's runner, after skipping ``skip`` batches as its resume does."""
    loader = Runner.build_dataloader(
        dict(
            batch_size=2,
            num_workers=num_workers,
            sampler=dict(type='UDAInfiniteSampler', shuffle=True),
            dataset=cfg,
        ),
        seed=2024,
    )
    batches = iter(loader)
    for _ in range(skip):
        next(batches)
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
