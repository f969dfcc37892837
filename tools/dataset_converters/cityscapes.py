"""Convert Cityscapes label ids to the train ids mmseg reads.

python tools/dataset_converters/cityscapes.py DATA_ROOT [--nproc N]

Writes gtFine/{train,val}/<city>/*_gtFine_labelTrainIds.png beside each
*_gtFine_labelIds.png (19 classes, every other id 255), without the polygon
files or cityscapesscripts. Rerunning after an interruption finishes the
job. Exit status 0 when it finished, 2 when it could not run.
"""

import os
import sys

# Before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them).
os.environ.setdefault('MMSEG_PFR_QUIET', '1')

from mmseg_pfr.datasets.conversion import convert_cityscapes, converter_main

if __name__ == '__main__':
    sys.exit(converter_main(__doc__, convert_cityscapes))
