"""Convert GTA5 labels to train ids and list the pairs to skip.

python tools/dataset_converters/gta.py DATA_ROOT [--nproc N]

DATA_ROOT holds the official layout: images/NNNNN.png and labels/NNNNN.png
(Cityscapes label ids in palette PNGs). Every pair is validated; each
usable label gets labels/NNNNN_labelTrainIds.png beside it (resized to its
image when their sizes differ), and unusable pairs (a blank, unreadable or
missing label, an unreadable image or one of a single colour) are listed
in DATA_ROOT/excluded.txt, which GTADataset skips; the usable labels'
pixels per class go to DATA_ROOT/class_stats.json, which rare-class
sampling reads. Rerunning after an interruption finishes the job. Exit
status 0 when it finished, 2 when it could not run.
"""

import os
import sys
from functools import partial

# Before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them).
os.environ.setdefault('MMSEG_PFR_QUIET', '1')

from mmseg_pfr.datasets import GTADataset
from mmseg_pfr.datasets.conversion import (
    convert_paired_dataset,
    converter_main,
)

if __name__ == '__main__':
    sys.exit(
        converter_main(__doc__, partial(convert_paired_dataset, GTADataset))
    )
