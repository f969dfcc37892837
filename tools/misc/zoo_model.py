"""Write the model of any config (an mmseg zoo config through mmseg::, or a
file) as a model base, to wrap it in the UDA model in one line.

python tools/misc/zoo_model.py CONFIG OUT.py [--no-pretrained]

A whole zoo config brings its dataset, schedule and runtime, which clash
with ours among a leaf's bases; its model, written alone into OUT.py, is a
model base like mmseg's ``_base_/models/*.py``:

    _base_ = ['OUT.py', '.../_base_/datasets/uda_gta_to_cityscapes.py',
              '.../_base_/uda/terms.py', ...]
    model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)

``--no-pretrained`` drops every pretrained weight the model names (on a
machine without network). See docs/own_backbone.md.
"""

import argparse
import os

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
from mmseg_pfr.apis.cli import fail, require_file
from mmseg_pfr.apis.zoo import write_model_base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a config file or mmseg::PATH')
    parser.add_argument('out', help='the model base to write (.py)')
    parser.add_argument(
        '--no-pretrained',
        action='store_true',
        help='drop the pretrained weights the model names',
    )
    args = parser.parse_args()
    if '::' not in args.config:
        require_file(args.config, 'config')
    if not args.out.endswith('.py'):
        fail(f'{args.out}: a config file must end in .py')
    try:
        path = write_model_base(args.config, args.out, not args.no_pretrained)
    except FileNotFoundError as error:
        fail(f'config {args.config}: {error}')
    print(f'wrote {path}: the model of {args.config}')


if __name__ == '__main__':
    main()
