"""Write the model of any config (an mmseg zoo config through mmseg::, or a
file) as a model base fitted to your data, to wrap it in the UDA model in
one line.

python tools/misc/zoo_model.py CONFIG OUT.py [--data TRAIN_CONFIG]
    [--num-classes N] [--crop H W] [--no-pretrained]

A whole zoo config brings its dataset, schedule and runtime, which clash
with ours among a leaf's bases; its model, written alone into OUT.py, is a
model base like mmseg's ``_base_/models/*.py``:

    _base_ = ['OUT.py', '.../_base_/datasets/uda_gta_to_cityscapes.py',
              '.../_base_/uda/terms.py', ...]
    model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)

It also brings its dataset's class count (150 for ADE20K) and crop (its
preprocessor pads every batch to it). ``--data`` names the training config
(or dataset base) the model is meant for: every head's ``num_classes``
becomes its dataset's class count and the preprocessor's ``size`` its
pipelines' ``crop_size`` (none without a crop: each batch is padded to its
largest image); ``--num-classes`` and ``--crop`` give them directly. Each
change is printed, one line each. ``--no-pretrained`` drops every
pretrained weight the model names (on a machine without network). See
docs/own_backbone.md.
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
from mmseg_pfr.apis.zoo import load_any_config, write_model_base
from mmseg_pfr.apis.zoo_fit import DataTarget, ZooFitError, data_target


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 2)[2],
    )
    parser.add_argument('config', help='a config file or mmseg::PATH')
    parser.add_argument('out', help='the model base to write (.py)')
    parser.add_argument(
        '--data',
        metavar='TRAIN_CONFIG',
        help='the training config (or dataset base) the model is meant '
        'for: its classes and crop are written into the model',
    )
    parser.add_argument(
        '--num-classes',
        type=int,
        metavar='N',
        help="every head's num_classes (wins over --data)",
    )
    parser.add_argument(
        '--crop',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help="the preprocessor's size: the training crop (wins over --data)",
    )
    parser.add_argument(
        '--no-pretrained',
        action='store_true',
        help='drop the pretrained weights the model names',
    )
    return parser.parse_args()


def target(args: argparse.Namespace) -> DataTarget:
    """What the model is fitted to: --data's, overridden by the
    options."""
    found = DataTarget()
    if args.data is not None:
        if '::' not in args.data:
            require_file(args.data, 'config')
        try:
            cfg = load_any_config(args.data)
        except (FileNotFoundError, ValueError) as error:  # no such config
            fail(f'--data {args.data}: {error}')
        found = data_target(cfg, args.data)
    if args.num_classes is not None and args.num_classes < 1:
        fail(f'--num-classes {args.num_classes}: give a count >= 1')
    return DataTarget(
        args.num_classes or found.num_classes,
        tuple(args.crop) if args.crop else found.crop,
    )


def main() -> None:
    args = parse_args()
    try:
        run(args)
    except ZooFitError as error:
        fail(str(error))


def run(args: argparse.Namespace) -> None:
    """Write the fitted model base; a mistake ends in one line."""
    if '::' not in args.config:
        require_file(args.config, 'config')
    if not args.out.endswith('.py'):
        fail(f'{args.out}: a config file must end in .py')
    fitted_to = target(args)
    try:
        changes = write_model_base(
            args.config, args.out, not args.no_pretrained, fitted_to
        )
    except ZooFitError:
        raise
    except (FileNotFoundError, ValueError) as error:  # no such config
        fail(f'config {args.config}: {error}')
    for change in changes:
        print(change)
    print(f'wrote {args.out}: the model of {args.config}')


if __name__ == '__main__':
    main()
