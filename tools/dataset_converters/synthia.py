"""Convert SYNTHIA (RAND-CITYSCAPES) labels to train ids and list the
pairs to skip.

python tools/dataset_converters/synthia.py DATA_ROOT [--nproc N]

DATA_ROOT holds the official layout: RGB/NNNNNNN.png and
GT/LABELS/NNNNNNN.png (16-bit, class id in the red channel). Every pair is
validated; each usable label gets GT/LABELS/NNNNNNN_labelTrainIds.png beside
it, unusable pairs are listed in DATA_ROOT/excluded.txt, which
SynthiaDataset skips, and the usable labels' pixels per class go to
DATA_ROOT/class_stats.json, which rare-class sampling reads. Rerunning
after an interruption finishes the job.
Exit status 0 when it finished, 2 when it could not run.
"""

import os
import sys
from functools import partial

# Before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them).
os.environ.setdefault('MMSEG_PFR_QUIET', '1')

from mmseg_pfr.datasets import SynthiaDataset
from mmseg_pfr.datasets.conversion import (
    convert_paired_dataset,
    converter_main,
)

if __name__ == '__main__':
    sys.exit(
        converter_main(
            __doc__, partial(convert_paired_dataset, SynthiaDataset)
        )
    )
