"""results_table: a real mmseg evaluation (``IoUMetric`` run by mmengine's
Runner over fixed fake predictions, which writes the .log and .json files a
user has) gives a table whose numbers are the metric's, in the paper's
column order, beside the published rows when asked or when the run is a
GTA5 -> Cityscapes one; any number of runs make one table and one chart,
and no output is overwritten without --force."""

import csv
import json
import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import List, Sequence, Tuple

import numpy as np
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.datasets import CityscapesDataset
from mmseg.evaluation import IoUMetric
from mmseg.structures import SegDataSample
from torch import Tensor
from torch.utils.data import Dataset

TOOL = Path(__file__).resolve().parents[2] / 'tools/analysis/results_table.py'
CLASSES = CityscapesDataset.METAINFO['classes']
ABSENT = CLASSES.index('rider')  # neither labelled nor predicted: IoU nan
VAL, TEST = (0, 1, 2), (10, 11, 12)
HEADER_19 = (
    'Method road sidewalk building wall fence pole light sign vegetation '
    'terrain sky person rider car truck bus train motorbike bicycle mIoU'
).split()


def fake_pair(seed: int) -> Tuple[Tensor, Tensor]:
    """A label map and a prediction that is right on most of it."""
    gen = torch.Generator().manual_seed(seed)
    label = torch.randint(0, len(CLASSES), (1, 8, 8), generator=gen)
    pred = label.clone()
    pred[:, :3] = torch.randint(0, len(CLASSES), (1, 3, 8), generator=gen)
    label[label == ABSENT], pred[pred == ABSENT] = 0, 0
    return label, pred


class FakeSplit(Dataset):
    """Samples whose ``inputs`` are the prediction to replay."""

    metainfo = dict(classes=CLASSES)

    def __init__(self, seeds: Sequence[int]) -> None:
        self.seeds = seeds

    def __len__(self) -> int:
        return len(self.seeds)

    def __getitem__(self, index: int) -> dict:
        label, pred = fake_pair(self.seeds[index])
        sample = SegDataSample(gt_sem_seg=PixelData(data=label))
        return dict(inputs=pred, data_samples=sample)


class Replay(BaseModel):
    """Predicts what each sample carries."""

    def forward(self, inputs, data_samples=None, mode='predict'):
        for pred, sample in zip(inputs, data_samples):
            sample.pred_sem_seg = PixelData(data=pred)
        return data_samples


def metric_ious(seeds: Sequence[int]) -> np.ndarray:
    """Per-class IoU (%) as IoUMetric computes and prints it."""
    areas = [
        IoUMetric.intersect_and_union(pred[0], label[0], len(CLASSES), 255)
        for label, pred in map(fake_pair, seeds)
    ]
    totals = [sum(area[i] for area in areas) for i in range(4)]
    iou = IoUMetric.total_area_to_metrics(*totals, ['mIoU'])['IoU']
    # Printed from float32: 37.93 for 37.93000030517578.
    return np.array([float(str(v)) for v in np.round(iou * 100, 2)])


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    """A validation and a test evaluation, as tools/train.py and
    tools/test.py leave them in a work dir."""

    def loader(seeds: Sequence[int]) -> dict:
        return dict(
            dataset=FakeSplit(seeds),
            batch_size=1,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
        )

    work_dir = tmp_path_factory.mktemp('work_dir')
    runner = Runner(
        model=Replay(),
        work_dir=str(work_dir),
        val_dataloader=loader(VAL),
        val_cfg=dict(),
        val_evaluator=dict(type='IoUMetric'),
        test_dataloader=loader(TEST),
        test_cfg=dict(),
        test_evaluator=dict(type='IoUMetric'),
        visualizer=dict(
            type='Visualizer', vis_backends=[dict(type='LocalVisBackend')]
        ),
        default_scope='mmseg',
    )
    val, test = runner.val(), runner.test()
    log_dir = Path(runner.log_dir)
    return SimpleNamespace(
        name=work_dir.name,
        dir=work_dir,
        val=val,
        test=test,
        log=log_dir / f'{runner.timestamp}.log',
        test_json=log_dir / f'{runner.timestamp}.json',
        scalars=log_dir / 'vis_data' / 'scalars.json',
    )


def tool(*args) -> subprocess.CompletedProcess:
    command = [sys.executable, str(TOOL), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True)


def table(path: Path) -> Tuple[List[str], dict]:
    """The CSV's header and its rows by method, as numbers."""
    header, *rows = list(csv.reader(path.open()))
    numbers = {
        row[0]: [math.nan if c == '' else float(c) for c in row[1:]]
        for row in rows
    }
    return header, numbers


@pytest.mark.parametrize('source', ['log', 'test_json'])
def test_test_run_table_is_the_metrics(run, source, tmp_path):
    done = tool(
        getattr(run, source), '--paper', 'yes', '--name', 'Ours',
        '--out-csv', tmp_path / 't.csv',
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    header, rows = table(tmp_path / 't.csv')
    assert header == HEADER_19
    assert list(rows) == [
        'AdaptSegNet (paper)',
        'CLAN (paper)',
        'PFR (paper)',
        'Ours',
    ]
    np.testing.assert_array_equal(rows['Ours'][:-1], metric_ious(TEST))
    assert rows['Ours'][-1] == round(float(run.test['mIoU']), 2)


def test_training_scalars_pick_the_evaluation_they_logged(run, tmp_path):
    # The validation table is not the log's last: the json's mIoU picks it.
    assert run.val['mIoU'] != run.test['mIoU']
    done = tool(run.scalars, '--out-csv', tmp_path / 'v.csv')
    assert done.returncode == 0, done.stderr
    _, rows = table(tmp_path / 'v.csv')
    # No config of GTA5 -> Cityscapes in the log: no paper rows; the row is
    # named after the work dir.
    assert list(rows) == [run.name]
    np.testing.assert_array_equal(rows[run.name][:-1], metric_ious(VAL))
    assert rows[run.name][-1] == round(float(run.val['mIoU']), 2)


@pytest.mark.parametrize(
    'count, left_out',
    [
        (16, ('terrain', 'truck', 'train')),
        (13, ('terrain', 'truck', 'train', 'wall', 'fence', 'pole')),
    ],
)
def test_synthia_class_subsets(run, count, left_out, tmp_path):
    done = tool(
        'Ours=' + str(run.log),
        '--classes',
        count,
        '--out-csv',
        tmp_path / 's.csv',
        '--out-md',
        tmp_path / 's.md',
    )
    assert done.returncode == 0, done.stderr
    header, rows = table(tmp_path / 's.csv')
    kept = [i for i, c in enumerate(CLASSES) if c not in left_out]
    assert header == ['Method', *(HEADER_19[1 + i] for i in kept), 'mIoU']
    assert list(rows) == ['Ours']
    expected = metric_ious(TEST)[kept]
    np.testing.assert_array_equal(rows['Ours'][:-1], expected)
    assert rows['Ours'][-1] == pytest.approx(np.nanmean(expected), abs=5e-3)
    assert 'No paper rows' in (tmp_path / 's.md').read_text()


def test_subset_miou_logged_by_the_metric_is_used(run, tmp_path):
    # The SYNTHIA configs' metric adds mIoU16/mIoU13, from unrounded IoUs,
    # to the summary line: the table takes those rather than its own mean.
    lines = run.log.read_text().splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if 'Epoch(test)' in line)
    lines[last] = lines[last].rstrip('\n') + '  mIoU16: 12.3400\n'
    (tmp_path / 'run.log').write_text(''.join(lines))
    out = tmp_path / '16.csv'
    done = tool(tmp_path / 'run.log', '--classes', 16, '--out-csv', out)
    assert done.returncode == 0, done.stderr
    assert table(out)[1][tmp_path.name][-1] == 12.34


def test_markdown_is_paper_style(run):
    done = tool(run.log, '--name', 'PFR (ours)', '--paper', 'yes')
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == '| ' + ' | '.join(HEADER_19) + ' |'
    assert lines[4] == (
        '| PFR (paper) | 90.8 | 40.8 | 81.9 | 28.4 | 24.4 | 24.2 | 32.0 | '
        '17.6 | 83.8 | 36.6 | 72.4 | 59.3 | 29.0 | 82.1 | 35.5 | 45.6 | '
        '3.3 | 29.1 | 28.6 | 44.5 |'
    )
    name, *cells = lines[5].strip('| ').split(' | ')
    assert name == 'PFR (ours)'
    logged = [*metric_ious(TEST), float(run.test['mIoU'])]
    for cell, value in zip(cells, logged, strict=True):
        if math.isnan(value):
            assert cell == '-'
        else:
            assert len(cell.split('.')[1]) == 1
            assert float(cell) == pytest.approx(value, abs=0.05 + 1e-9)
    assert 'Paper rows: the PFR paper, Table 1' in done.stdout


def test_paper_rows_average_to_their_miou(run, tmp_path):
    tool(run.log, '--paper', 'yes', '--out-csv', tmp_path / 'p.csv')
    _, rows = table(tmp_path / 'p.csv')
    for method in ('AdaptSegNet (paper)', 'CLAN (paper)', 'PFR (paper)'):
        *ious, miou = rows[method]
        assert len(ious) == 19
        assert sum(ious) / 19 == pytest.approx(miou, abs=0.05)


def without_terrain(log: Path) -> str:
    """The log as a dataset without terrain would have printed it."""

    def terrain(line: str) -> bool:
        return line.startswith('|') and line.split('|')[1].strip() == 'terrain'

    return ''.join(line for line in log.open() if not terrain(line))


@pytest.mark.parametrize(
    'name, content, args, message',
    [
        ('none.log', None, (), 'is not a file'),
        (
            'train.log',
            'INFO - Iter(train) [10/100]  loss: 1.0\n',
            (),
            'has no per-class table',
        ),
        ('a.json', '{"loss": 1.0, "step": 10}', (), 'has no mIoU'),
        ('b.json', 'not json\n', (), 'neither JSON nor JSON lines'),
        ('c.json', '{"mIoU": 50.0}', (), '0 .log files: pass the log'),
    ],
)
def test_bad_inputs_fail_clearly(tmp_path, name, content, args, message):
    if content is not None:
        (tmp_path / name).write_text(content)
    done = tool(tmp_path / name, *args)
    assert done.returncode == 1
    assert done.stderr.startswith('error: ')
    assert message in done.stderr


def test_json_without_its_evaluation_in_the_log_fails(run, tmp_path):
    (tmp_path / 'run.log').write_text(run.log.read_text())
    (tmp_path / 'run.json').write_text('{"mIoU": 99.5}')
    done = tool(tmp_path / 'run.json')
    assert done.returncode == 1
    assert 'No per-class table' in done.stderr
    assert 'has the mIoU of' in done.stderr


def test_table_without_a_needed_class_fails(run, tmp_path):
    (tmp_path / 'run.log').write_text(without_terrain(run.log))
    done = tool(tmp_path / 'run.log')
    assert done.returncode == 1
    assert "the table lacks ['terrain']" in done.stderr
    # The 16-class protocol has no terrain: that table serves it.
    assert tool(tmp_path / 'run.log', '--classes', 16).returncode == 0


def gta_run(run, folder: Path) -> Path:
    """The run's log as a GTA5 -> Cityscapes training would have written
    it: its config (logged first) trains on GTA5, evaluates on
    Cityscapes."""
    log = folder / '20260101_000000' / '20260101_000000.log'
    log.parent.mkdir(parents=True)
    config = (
        "Config:\ntrain_dataloader = dict(dataset=dict(type='GTADataset', "
        "data_root='data/gta'))\nval_dataloader = dict(dataset=dict("
        "type='CityscapesDataset', data_root='data/cityscapes'))\n"
    )
    log.write_text(config + run.log.read_text())
    return folder


def benchmark_record(folder: Path) -> Path:
    """A synthetic benchmark results file (target val scores)."""
    iou = {c: float(i) for i, c in enumerate(CLASSES)}
    iou['rider'] = None
    record = dict(format=1, name='self-training', config='st.py', seed=2,
                  scores=dict(target=dict(mIoU=9.0, IoU=iou)))  # fmt: skip
    path = folder / 'seed2.json'
    path.write_text(json.dumps(record))
    return path


def test_many_runs_one_table_and_chart(run, tmp_path):
    gta = gta_run(run, tmp_path / 'pfr_gta')
    record = benchmark_record(tmp_path)
    out = tmp_path / 'out'
    done = tool(
        run.dir, gta, run.log.parent / 'vis_data' / 'scalars.json',
        f'mine={run.log}', record, '--out-csv', f'{out}.csv',
        '--out-md', f'{out}.md', '--out-png', f'{out}.png',
    )  # fmt: skip
    assert done.returncode == 1 and 'two runs named' in done.stderr
    done = tool(
        run.dir, gta, f'mine={run.log}', record, '--out-csv', f'{out}.csv',
        '--out-md', f'{out}.md', '--out-png', f'{out}.png',
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    _, rows = table(Path(f'{out}.csv'))
    # Not every run is GTA5 -> Cityscapes: no paper rows.
    assert list(rows) == [run.name, 'pfr_gta', 'mine', 'self-training seed 2']
    np.testing.assert_array_equal(rows['pfr_gta'][:-1], metric_ious(TEST))
    assert rows['self-training seed 2'][2] == 2.0
    assert math.isnan(rows['self-training seed 2'][CLASSES.index('rider')])
    assert (
        'not every run is a GTA5 or SYNTHIA' in Path(f'{out}.md').read_text()
    )
    assert Path(f'{out}.png').read_bytes()[:4] == b'\x89PNG'


def test_paper_rows_beside_gta5_runs_only_unless_asked(run, tmp_path):
    gta = gta_run(run, tmp_path / 'pfr_gta')
    done = tool(gta, '--out-csv', tmp_path / 'a.csv')
    assert done.returncode == 0, done.stderr
    assert list(table(tmp_path / 'a.csv')[1]) == [
        'AdaptSegNet (paper)', 'CLAN (paper)', 'PFR (paper)', 'pfr_gta',
    ]  # fmt: skip
    done = tool(gta, '--paper', 'no', '--out-csv', tmp_path / 'b.csv')
    assert list(table(tmp_path / 'b.csv')[1]) == ['pfr_gta']


def test_outputs_are_never_silently_overwritten(run, tmp_path):
    (tmp_path / 't.md').write_text('mine')
    done = tool(run.log, '--out-md', tmp_path / 't.md',
                '--out-csv', tmp_path / 't.csv')  # fmt: skip
    assert done.returncode == 1
    assert 't.md already exist; --force overwrites' in done.stderr
    assert (tmp_path / 't.md').read_text() == 'mine'
    assert not (tmp_path / 't.csv').exists()
    done = tool(run.log, '--out-md', tmp_path / 't.md', '--force')
    assert done.returncode == 0 and 'mIoU' in (tmp_path / 't.md').read_text()


def test_work_dir_without_a_table_and_name_misuse_fail(run, tmp_path):
    done = tool(tmp_path)
    assert done.returncode == 1 and 'has no log with a per-class' in (
        done.stderr
    )
    done = tool(run.log, run.log, '--name', 'x')
    assert done.returncode == 1 and 'use NAME=RUN' in done.stderr


V3 = TOOL.parents[2] / 'benchmarks/synthetic/v3'
V3_ROWS = {
    name: f'{stem}_deeplabv2-r18gn_1xb2-5000_synthetic-128x128'
    for name, stem in (('source only', 'source-only'),
                       ('self-training', 'st'),
                       ('target oracle', 'target-oracle'))
}  # fmt: skip


def test_seeds_of_a_row_give_the_benchmarks_means_intervals_verdicts():
    # The committed records, a folder of seeds per row: the same lines as
    # the benchmark tool's table of them (benchmarks/synthetic/v3/table.md).
    done = tool(*(V3 / folder for folder in V3_ROWS.values()))
    assert done.returncode == 0, done.stderr
    committed = (V3 / 'table.md').read_text().splitlines()
    for name in V3_ROWS:
        line = next(s for s in committed if s.startswith(f'| {name} | '))
        assert line in done.stdout.splitlines()
    gains = [
        '| self-training | source only | +3.91, +2.93, +3.11 | +3.32 '
        '[+2.02, +4.61] | [+3.32, +4.51], [+2.42, +3.42], [+2.49, +3.71] '
        '| 17 % | adapts |',
        '| target oracle | source only | +20.06, +19.58, +18.71 | +19.45 '
        '[+17.75, +21.15] | [+18.94, +21.16], [+18.40, +20.74], '
        '[+17.68, +19.73] | 100 % | adapts |',
    ]
    for line in gains:
        assert line in committed and line in done.stdout.splitlines()
    assert '| self-training seed 2 |' in done.stdout  # and per run, per class


def seed_record(folder: Path, name: str, seed: int, miou: int) -> Path:
    """A benchmark results file of row ``name``: class road at ``miou``
    on two val images."""
    target = dict(mIoU=float(miou), IoU={c: float(miou) for c in CLASSES},
                  images=['0', '1'], intersect=[[miou, 0], [miou, 0]],
                  union=[[100, 0], [100, 0]])  # fmt: skip
    scores = dict(target=target, source=dict(mIoU=50.0, IoU={}))
    record = dict(format=1, name=name, config=f'{name}.py', seed=seed,
                  warm_start='warm.py', scores=scores)  # fmt: skip
    path = folder / f'{name}_seed{seed}.json'
    path.write_text(json.dumps(record))
    return path


def test_runs_of_one_name_are_one_row_against_a_baseline(tmp_path):
    so = [seed_record(tmp_path, 'so', s, 20 + s) for s in (0, 1)]
    st = [seed_record(tmp_path, 'st', s, 24 + 2 * s) for s in (0, 1)]
    done = tool(*so, *(f'mine={p}' for p in st), '--resamples', 20)
    assert done.returncode == 0, done.stderr
    assert '| so | 20.5 ± 0.7 | 50.0 ± 0.0 | 20.0 / 21.0 |' in done.stdout
    # +4 and +5: over two seeds t(0.975, 1) = 12.71 makes [4.5 -/+ 6.35].
    assert (
        '| mine | so | +4.00, +5.00 | +4.50 [-1.85, +10.85] | [+4.00, '
        '+4.00], [+5.00, +5.00] | - | no measurable effect |'
    ) in done.stdout
    assert '| mine seed 1 |' in done.stdout
    # --baseline: what the tool passes to the report, which both tools use.
    from mmseg_pfr.synthetic.report import summary

    named = [('so', json.loads(p.read_text())) for p in so]
    named += [('mine', json.loads(p.read_text())) for p in st]
    text = summary(named, baseline='mine', resamples=20)
    assert '| so | mine | -4.00, -5.00 | -4.50 ' in text
    done = tool(*so, f'so={st[0]}', '--baseline', 'other')
    assert done.returncode == 1
    assert done.stderr == (
        "error: two runs named ['so seed 0']: name them NAME=RUN\n"
    )
    done = tool(*so, '--baseline', 'other')
    assert done.stderr == (
        "error: row 'so': its baseline 'other' is not a row\n"
    )
