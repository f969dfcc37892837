"""The speed tools on tiny inputs: rows in the anchor's form, the data
pipeline's rate, and the side-by-side comparison with the anchor."""

import json
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / 'configs/demo/pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
SOURCE_ONLY = DEMO.with_name(
    'source-only_deeplabv2-r18gn_1xb2-600_synthetic.py'
)
ANCHOR = ROOT.parent / 'shared' / 'bench' / 'gpu_anchor.py'


def run_tool(tool: str, *args: str, monkeypatch) -> None:
    monkeypatch.setattr(sys, 'argv', [tool, *args])
    runpy.run_path(str(ROOT / 'tools' / tool), run_name='__main__')


def test_step_benchmark_writes_rows_like_the_anchor(tmp_path, monkeypatch):
    out = tmp_path / 'rows.json'
    run_tool(
        'analysis/benchmark_uda_step.py',
        str(DEMO),
        '--device',
        'cpu',
        '--iters',
        '2',
        '--warmup',
        '0',
        '--crop',
        '64',
        '96',
        '--json',
        str(out),
        monkeypatch=monkeypatch,
    )
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    # Equal crops and GroupNorm: the fused forward, the anchor's pfr_cat.
    assert row['variant'] == 'pfr_cat' and row['amp'] == 'fp32'
    assert row['src'] == row['tgt'] == [64, 96] and row['batch'] == 2
    assert 0 < row['ms_min'] <= row['ms_median']
    assert set(row) >= {'ms_median', 'ms_min', 'peak_gib', 'config'}


def test_data_benchmark_times_both_domains(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('MMSEG_PFR_SYNTHETIC_CACHE', str(tmp_path))
    run_tool(
        'analysis/benchmark_uda_step.py',
        str(DEMO),
        '--data',
        '--samples',
        '3',
        '--cfg-options',
        'train_dataloader.dataset.source.num_samples=3',
        'train_dataloader.dataset.target.num_samples=3',
        monkeypatch=monkeypatch,
    )
    row = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert row['source_images_per_s'] > 0 and row['target_images_per_s'] > 0
    assert row['samples_per_s'] > 0


def test_data_benchmark_of_source_only_reads_no_target(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv('MMSEG_PFR_SYNTHETIC_CACHE', str(tmp_path))
    run_tool(
        'analysis/benchmark_uda_step.py',
        str(SOURCE_ONLY),
        '--data',
        '--samples',
        '3',
        '--cfg-options',
        'train_dataloader.dataset.source.num_samples=3',
        monkeypatch=monkeypatch,
    )
    row = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(row) == {'config', 'source_images_per_s', 'samples_per_s'}
    assert list(tmp_path.glob('target_*')) == []  # not even generated


@pytest.mark.skipif(not ANCHOR.exists(), reason=f'{ANCHOR} is absent')
def test_comparison_with_the_anchor(tmp_path, monkeypatch):
    out = tmp_path / 'table.md'
    run_tool(
        'analysis/compare_with_anchor.py',
        '--anchor',
        str(ANCHOR),
        '--device',
        'cpu',
        '--depth',
        '50',
        '--src',
        '64',
        '64',
        '--tgt',
        '64',
        '64',
        '--amp',
        'fp32',
        '--variants',
        'pfr_cat',
        '--iters',
        '1',
        '--warmup',
        '0',
        '--out-md',
        str(out),
        monkeypatch=monkeypatch,
    )
    text = out.read_text()
    assert 'ResNet-50, source 64x64, target 64x64' in text
    (row,) = [
        line for line in text.splitlines() if line.startswith('| pfr_cat')
    ]
    anchor, ours = (float(cell.split('/')[0]) for cell in row.split('|')[3:5])
    ratio = float(row.split('|')[5])
    assert ratio == pytest.approx(ours / anchor, rel=0.01)
