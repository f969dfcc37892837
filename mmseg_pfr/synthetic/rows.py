"""The rows of a benchmark table: any config, named, each trained and
scored the same way.

A row is an mmseg config (ours, a stock mmseg model, a user's own) with a
name, the warm start it fine-tunes (a named pretraining config, trained
once per seed and shared by the rows that name it; none: the config's own
start) and the row its paired gains are measured against (its
*baseline*: by default the first row with the same warm start). Rows come
from ``NAME=CONFIG`` entries or from a file (JSON, YAML or an mmengine
``.py`` config) of this form::

    warm_starts:
      warm start: configs/synthetic/warm-start_...py
    oracle: target oracle          # optional: the gap's upper end
    rows:
      - name: source only
        config: configs/synthetic/source-only_...py
        warm_start: warm start     # optional
        baseline: source only      # optional
"""

import json
import os.path as osp
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence

V3 = 'configs/synthetic'
MMSEG = 'configs/synthetic/mmseg'
# Config stems: {model}_1xb2-{iterations}_synthetic[-source]-128x128.py
SIZE = '1xb2-5000_synthetic'  # fine-tuning
WARM = '1xb2-4000_synthetic'  # warm starts
WARM_START_V3 = f'{V3}/warm-start_deeplabv2-r18gn_{WARM}-source-128x128.py'
ROW_KEYS = {'name', 'config', 'warm_start', 'baseline'}
SPEC_KEYS = {'warm_starts', 'rows', 'oracle'}
# The row whose gain over the baseline is the gap, unless a spec names one.
DEFAULT_ORACLE = 'target oracle'


class RowsError(ValueError):
    """A row list that cannot be used, with the entry it is about."""


@dataclass(frozen=True)
class Row:
    """One table row.

    Attributes:
        name: The row's label (unique in its table).
        config: The config file it trains.
        warm_start: Name of the warm start it fine-tunes; None: none.
        baseline: Name of the row its gains are measured against.
    """

    name: str
    config: str
    warm_start: Optional[str] = None
    baseline: Optional[str] = None


@dataclass
class Spec:
    """A table: its warm starts (name -> config), rows and oracle row."""

    rows: List[Row]
    warm_starts: Dict[str, str] = field(default_factory=dict)
    oracle: Optional[str] = None


def _v3(name: str, stem: str, baseline: Optional[str] = None) -> Row:
    config = f'{V3}/{stem}_deeplabv2-r18gn_{SIZE}-128x128.py'
    return Row(name, config, 'warm start', baseline)


def _stock(family: str, stem: str) -> List[Row]:
    """A stock mmseg model's rows: plain (the baseline of its UDA rows,
    which fine-tune the same plain warm start), self-training, PFR + adv."""
    warm = f'{family} warm start'
    return [
        Row(f'{family} (mmseg, source only)',
            f'{MMSEG}/{stem}_{SIZE}-128x128.py', warm),
        Row(f'{family} + self-training',
            f'{MMSEG}/st_{stem}_{SIZE}-128x128.py', warm),
        Row(f'{family} + PFR + adv',
            f'{MMSEG}/pfr-adv_{stem}_{SIZE}-128x128.py', warm),
    ]  # fmt: skip


def default_spec() -> Spec:
    """The README's table: our rows under protocol v3, then each stock
    mmseg model plain and with UDA (on its own plain warm start)."""
    rows = [
        _v3('source only', 'source-only'),
        _v3('AdaptSegNet', 'adaptsegnet'),
        _v3('PFR only', 'pfr-only'),
        _v3('PFR + adv (paper)', 'pfr-adv'),
        _v3('adv at 0.002 (PFR + adv without PFR)', 'adv-0.002'),
        _v3('self-training', 'st'),
        _v3('PFR + self-training', 'pfr-st'),
        _v3('target oracle', 'target-oracle'),
        *_stock('DeepLabV3+', 'deeplabv3plus_r18gn'),
        *_stock('SegFormer', 'segformer_mit-tiny'),
    ]
    warm_starts = {
        'warm start': WARM_START_V3,
        'DeepLabV3+ warm start': f'{MMSEG}/warm-start_deeplabv3plus_r18gn_'
        f'{WARM}-source-128x128.py',
        'SegFormer warm start': f'{MMSEG}/warm-start_segformer_mit-tiny_'
        f'{WARM}-source-128x128.py',
    }
    return complete(Spec(rows, warm_starts, oracle='target oracle'))


def calibration_spec() -> Spec:
    """The four rows protocol v3 was calibrated on (no PFR row)."""
    spec = default_spec()
    keep = ('source only', 'AdaptSegNet', 'self-training', 'target oracle')
    rows = [r for r in spec.rows if r.name in keep]
    return Spec(rows, {'warm start': WARM_START_V3}, spec.oracle)


def recipe_spec() -> Spec:
    """The modern recipe's pieces (docs/uda_recipe.md) on protocol v3:
    each piece against the row it adds to, and PFR added to the recipe."""
    st = 'self-training'
    rows = [
        _v3('source only', 'source-only'),
        _v3('AdaptSegNet', 'adaptsegnet'),
        _v3('AdaptSegNet multi-level', 'adaptsegnet-multilevel',
            'AdaptSegNet'),
        _v3(st, 'st'),
        _v3('self-training + warm-up', 'st-warmup', st),
        _v3('self-training + rare-class sampling', 'st-rcs', st),
        _v3('self-training + MIC', 'st-mic', st),
        _v3('recipe (self-training + warm-up + RCS + MIC)', 'st-recipe', st),
        _v3('PFR + recipe', 'pfr-st-recipe',
            'recipe (self-training + warm-up + RCS + MIC)'),
        _v3('target oracle', 'target-oracle'),
    ]  # fmt: skip
    return complete(Spec(rows, {'warm start': WARM_START_V3}))


def parse_entries(
    entries: Sequence[str], warm_start: Optional[str] = WARM_START_V3
) -> Spec:
    """Rows from ``NAME=CONFIG`` entries, all fine-tuning ``warm_start``
    (a config; None: each config's own start)."""
    rows = []
    for index, entry in enumerate(entries, 1):
        name, sep, config = entry.partition('=')
        if not sep or not name.strip() or not config.strip():
            raise RowsError(
                f'row {index} ({entry!r}): expected NAME=CONFIG, e.g. '
                f"'source only={V3}/source-only_...py'"
            )
        warm = None if warm_start is None else 'warm start'
        rows.append(Row(name.strip(), config.strip(), warm))
    warm_starts = {} if warm_start is None else {'warm start': warm_start}
    return complete(Spec(rows, warm_starts))


def load_spec(path: str) -> Spec:
    """Rows from a JSON, YAML or mmengine ``.py`` file (module docstring)."""
    data = _read(path)
    if not isinstance(data, dict) or 'rows' not in data:
        raise RowsError(f'{path}: expected a mapping with a "rows" list')
    unknown = set(data) - SPEC_KEYS
    if unknown:
        raise RowsError(f'{path}: unknown keys {sorted(unknown)}')
    warm_starts = dict(data.get('warm_starts') or {})
    rows = [
        _row(path, index, item) for index, item in enumerate(data['rows'], 1)
    ]
    return complete(Spec(rows, warm_starts, data.get('oracle')))


def _read(path: str) -> object:
    if not osp.isfile(path):
        raise RowsError(f'rows file {path} does not exist')
    suffix = osp.splitext(path)[1]
    if suffix == '.py':
        from mmengine.config import Config

        return Config.fromfile(path).to_dict()
    with open(path) as f:
        text = f.read()
    if suffix == '.json':
        return json.loads(text)
    if suffix in ('.yaml', '.yml'):
        import yaml

        return yaml.safe_load(text)
    raise RowsError(f'{path}: a rows file is .json, .yaml, .yml or .py')


def _row(path: str, index: int, item: object) -> Row:
    if not isinstance(item, dict):
        raise RowsError(f'{path}, row {index}: expected a mapping')
    where = f'{path}, row {index} ({item.get("name", "no name")!r})'
    unknown = set(item) - ROW_KEYS
    if unknown:
        raise RowsError(f'{where}: unknown keys {sorted(unknown)}')
    if not item.get('name') or not item.get('config'):
        raise RowsError(f'{where}: needs a name and a config')
    return Row(**{k: item.get(k) for k in ROW_KEYS})


def complete(spec: Spec) -> Spec:
    """Check names and references; fill each row's default baseline."""
    names = [row.name for row in spec.rows]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise RowsError(f'rows named twice: {twice}')
    for row in spec.rows:
        if row.warm_start is not None and row.warm_start not in (
            spec.warm_starts
        ):
            raise RowsError(
                f'row {row.name!r}: unknown warm start {row.warm_start!r} '
                f'(warm starts: {sorted(spec.warm_starts)})'
            )
        if row.baseline is not None and row.baseline not in names:
            raise RowsError(
                f'row {row.name!r}: its baseline {row.baseline!r} is not a row'
            )
    if spec.oracle is None and DEFAULT_ORACLE in names:
        spec.oracle = DEFAULT_ORACLE
    if spec.oracle is not None and spec.oracle not in names:
        raise RowsError(f'the oracle {spec.oracle!r} is not a row')
    spec.rows = [_with_baseline(row, spec.rows) for row in spec.rows]
    return spec


def resolve(spec: Spec, root: str) -> Spec:
    """Config paths that are not found from the working directory are
    taken from ``root`` (the repository) where they exist there."""

    def found(path: str) -> str:
        inside = osp.join(root, path)
        return inside if not osp.isfile(path) and osp.isfile(inside) else path

    rows = [replace(row, config=found(row.config)) for row in spec.rows]
    warm = {name: found(c) for name, c in spec.warm_starts.items()}
    return Spec(rows, warm, spec.oracle)


def check_configs(spec: Spec) -> None:
    """An error naming every row or warm start whose config is missing."""
    missing = [
        f'row {row.name!r}: {row.config}'
        for row in spec.rows
        if not osp.isfile(row.config)
    ] + [
        f'warm start {name!r}: {config}'
        for name, config in spec.warm_starts.items()
        if not osp.isfile(config)
    ]
    if missing:
        raise RowsError('no such config: ' + '; '.join(missing))


def _with_baseline(row: Row, rows: Sequence[Row]) -> Row:
    if row.baseline is not None:
        return row
    first = next(r for r in rows if r.warm_start == row.warm_start)
    return replace(row, baseline=first.name)
