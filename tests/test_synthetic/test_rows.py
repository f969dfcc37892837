"""Benchmark rows: any config is a row, from NAME=CONFIG entries or a rows
file; mistakes are errors that name the entry."""

import json
from pathlib import Path

import pytest

from mmseg_pfr.synthetic.rows import (
    WARM_START_V3,
    RowsError,
    calibration_spec,
    check_configs,
    default_spec,
    load_spec,
    parse_entries,
    recipe_spec,
    resolve,
)

ROOT = Path(__file__).resolve().parents[2]


def test_entries_are_rows_on_the_v3_warm_start():
    spec = parse_entries(['mine=a.py', ' theirs = b.py '])
    assert [(r.name, r.config) for r in spec.rows] == [
        ('mine', 'a.py'),
        ('theirs', 'b.py'),
    ]
    assert spec.warm_starts == {'warm start': WARM_START_V3}
    assert [r.baseline for r in spec.rows] == ['mine', 'mine']
    scratch = parse_entries(['mine=a.py'], warm_start=None)
    assert scratch.warm_starts == {} and scratch.rows[0].warm_start is None


@pytest.mark.parametrize(
    'entries, message',
    [
        (['a=x.py', 'no-config'], "row 2 ('no-config'): expected NAME=CONFIG"),
        (['=x.py'], "row 1 ('=x.py'): expected NAME=CONFIG"),
        (['a=x.py', 'a=y.py'], "rows named twice: ['a']"),
    ],
)
def test_bad_entries_name_the_entry(entries, message):
    with pytest.raises(RowsError, match=message.replace('(', r'\(')
                       .replace(')', r'\)').replace('[', r'\[')):  # fmt: skip
        parse_entries(entries)


FILE = dict(
    warm_starts={'mine': 'w.py'},
    rows=[
        dict(name='plain', config='p.py', warm_start='mine'),
        dict(name='adapted', config='u.py', warm_start='mine'),
        dict(name='scratch', config='s.py'),
        dict(name='vs scratch', config='t.py', baseline='scratch'),
    ],
)


@pytest.mark.parametrize('suffix', ['.json', '.yaml', '.py'])
def test_rows_file_in_each_format(tmp_path, suffix):
    path = tmp_path / f'rows{suffix}'
    if suffix == '.py':
        path.write_text(
            f'warm_starts = {FILE["warm_starts"]!r}\nrows = {FILE["rows"]!r}\n'
        )
    else:  # JSON is YAML too
        path.write_text(json.dumps(FILE))
    spec = load_spec(str(path))
    assert spec.warm_starts == {'mine': 'w.py'}
    baselines = {r.name: r.baseline for r in spec.rows}
    # Default baseline: the first row with the same warm start.
    assert baselines == {
        'plain': 'plain',
        'adapted': 'plain',
        'scratch': 'scratch',
        'vs scratch': 'scratch',
    }
    assert spec.oracle is None


@pytest.mark.parametrize(
    'change, message',
    [
        (dict(rows=[dict(name='x', confg='a.py')]),
         "row 1 ('x'): unknown keys ['confg']"),
        (dict(rows=[dict(name='x')]),
         "row 1 ('x'): needs a name and a config"),
        (dict(rows=['x=a.py']), 'row 1: expected a mapping'),
        (dict(rows=[dict(name='x', config='a.py', warm_start='nope')]),
         "row 'x': unknown warm start 'nope'"),
        (dict(rows=[dict(name='x', config='a.py', baseline='y')]),
         "row 'x': its baseline 'y' is not a row"),
        (dict(oracle='y'), "the oracle 'y' is not a row"),
        (dict(extra=1), "unknown keys ['extra']"),
    ],
)  # fmt: skip
def test_bad_rows_files_name_the_entry(tmp_path, change, message):
    path = tmp_path / 'rows.json'
    path.write_text(json.dumps({**FILE, **change}))
    with pytest.raises(RowsError) as error:
        load_spec(str(path))
    assert message in str(error.value)


def test_missing_or_unknown_rows_file(tmp_path):
    with pytest.raises(RowsError, match='does not exist'):
        load_spec(str(tmp_path / 'none.json'))
    (tmp_path / 'rows.txt').write_text('')
    with pytest.raises(RowsError, match='.json, .yaml, .yml or .py'):
        load_spec(str(tmp_path / 'rows.txt'))


def test_built_in_rows_exist_and_calibration_has_no_pfr_row():
    spec = default_spec()
    for row in spec.rows:
        assert (ROOT / row.config).is_file(), row.config
    for config in spec.warm_starts.values():
        assert (ROOT / config).is_file(), config
    assert spec.oracle == 'target oracle'
    calibration = calibration_spec()
    names = [r.name for r in calibration.rows]
    assert names == ['source only', 'AdaptSegNet', 'self-training',
                     'target oracle']  # fmt: skip
    assert all(r.baseline == 'source only' for r in calibration.rows)


def test_recipe_rows_measure_each_piece_against_what_it_adds_to():
    spec = recipe_spec()
    for row in spec.rows:
        assert (ROOT / row.config).is_file(), row.config
    baseline = {r.name: r.baseline for r in spec.rows}
    recipe = 'recipe (self-training + warm-up + RCS + MIC)'
    assert baseline == {
        'source only': 'source only',
        'AdaptSegNet': 'source only',
        'AdaptSegNet multi-level': 'AdaptSegNet',
        'self-training': 'source only',
        'self-training + warm-up': 'self-training',
        'self-training + rare-class sampling': 'self-training',
        'self-training + MIC': 'self-training',
        recipe: 'self-training',
        'PFR + recipe': recipe,
        'target oracle': 'source only',
    }
    assert spec.oracle == 'target oracle'


def test_configs_resolve_from_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'mine.py').write_text('')
    spec = resolve(parse_entries(['mine=mine.py', 'v3=' + WARM_START_V3]),
                   str(ROOT))  # fmt: skip
    assert [r.config for r in spec.rows] == [
        'mine.py',
        str(ROOT / WARM_START_V3),
    ]
    assert spec.warm_starts['warm start'] == str(ROOT / WARM_START_V3)
    check_configs(spec)
    with pytest.raises(RowsError, match="row 'x': nope.py"):
        check_configs(parse_entries(['x=nope.py'], warm_start=None))
