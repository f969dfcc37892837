"""Check the datasets of a config before training.

python tools/misc/check_dataset.py CONFIG [--nproc N] [--cfg-options ...]

Scans the train, val and test datasets (a UDA config's source and target
separately): missing or empty folders (of each condition, for ACDC and Dark
Zurich), images without labels, labels without images, unreadable images
and labels, colour (RGB) labels where ids are expected, label values
outside the encoding, labels whose size differs from their image, and
classes, palette or ignore index that differ between the domains. Prints
every problem; exit status 1 when there are errors, 0 otherwise.
"""

import os
import sys

# Before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them).
os.environ.setdefault('MMSEG_PFR_QUIET', '1')

from mmseg_pfr.datasets.checks import check_main

if __name__ == '__main__':
    sys.exit(check_main())
