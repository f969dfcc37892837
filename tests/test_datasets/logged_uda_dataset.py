"""A UDADataset that logs every sample it loads, for tests of what a run
(resumed, distributed) loaded. Imported as ``test_datasets.
logged_uda_dataset`` everywhere (also through a config's
``custom_imports``), so that it registers once."""

from mmseg.registry import DATASETS

from mmseg_pfr.datasets import UDADataset


@DATASETS.register_module()
class PositionLoggingUDADataset(UDADataset):
    """A UDADataset that appends ``position source rare_class`` of every
    stream index it loads to ``log_file`` (from worker processes and ranks
    too)."""

    def __init__(self, log_file: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.log_file = log_file

    def __getitem__(self, idx):
        with open(self.log_file, 'a') as f:
            f.write(f'{idx.position} {idx.source} {idx.rare_class}\n')
        return super().__getitem__(idx)


def loaded_positions(log_file) -> list:
    """The stream positions loaded, sorted."""
    return sorted(
        int(line.split()[0]) for line in log_file.read_text().splitlines()
    )


def loaded_samples(log_file) -> dict:
    """``{position: (source index, rare class)}`` of the samples loaded."""
    return {
        int(p): (int(s), None if c == 'None' else int(c))
        for p, s, c in map(str.split, log_file.read_text().splitlines())
    }
