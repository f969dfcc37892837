"""What the model check hook reads of the training data: the dataset's
class count, and the crops of the first batch (no sample loaded before
the run: that would draw from the run's random generators)."""

from helpers import NUM_CLASSES, ToyPairedDataset, ToySegDataset, uda_batch
from mmengine.dataset import pseudo_collate

from mmseg_pfr.engine.hooks.model_check_hook import (
    batch_crops,
    dataset_classes,
)


def test_a_paired_batchs_crops_per_domain():
    batch = uda_batch(source_size=(32, 48), target_size=(24, 40))
    assert batch_crops(batch) == dict(source=(32, 48), target=(24, 40))
    assert dataset_classes(ToyPairedDataset()) == NUM_CLASSES


def test_a_plain_batch():
    batch = pseudo_collate([ToySegDataset(size=(16, 24))[0]])
    assert batch_crops(batch) == dict(train=(16, 24))
