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


def record_of(config: str, seed: int, miou: float, warm_start) -> dict:
    """A finished run's results file (two val images, class road only)."""
    from mmseg_pfr.synthetic.results import FORMAT

    hits = [[round(miou), 0], [round(miou), 0]]
    classes = ['road', 'sidewalk']
    target = dict(mIoU=float(round(miou)), IoU=dict(road=float(round(miou))),
                  images=['0', '1'], intersect=hits,
                  union=[[100, 0], [100, 0]])  # fmt: skip
    return dict(format=FORMAT, name=config, config=config, seed=seed,
                warm_start=warm_start, cfg_options=[], commit='abc',
                device='cpu', train_seconds=1.0, test_seconds=1.0,
                classes=classes,
                scores=dict(target=target, source=dict(
                    mIoU=50.0, IoU=dict(road=50.0))))  # fmt: skip


def test_benchmark_table_rebuilt_from_results_files(tmp_path, monkeypatch):
    from mmseg_pfr.synthetic.results import record_path, write_record
    from mmseg_pfr.synthetic.rows import WARM_START_V3, calibration_spec

    spec = calibration_spec()
    score = {'source only': 20, 'AdaptSegNet': 22, 'self-training': 27,
             'target oracle': 40}  # fmt: skip
    for seed in (0, 1):
        warm = record_of(WARM_START_V3, seed, 18 + seed, None)
        write_record(record_path(str(tmp_path), WARM_START_V3, seed), warm)
        for row in spec.rows:
            miou = score[row.name] + seed + (row.name == 'AdaptSegNet') * seed
            record = record_of(row.config, seed, miou, WARM_START_V3)
            write_record(record_path(str(tmp_path), row.config, seed), record)
    out = tmp_path / 'table.md'
    run_tool(
        'analysis/synthetic_benchmark.py', '--calibration', '--table-only',
        '--seeds', '0', '1', '--results', str(tmp_path), '--out-md',
        str(out), '--resamples', '50', monkeypatch=monkeypatch,
    )  # fmt: skip
    text = out.read_text()
    assert '| warm start (no fine-tuning) | 18.5 ± 0.7 |' in text
    assert '| self-training | source only | +7.00, +7.00 | +7.00' in text
    assert '| 35 % | adapts |' in text  # 7 of a 20-point gap
    # AdaptSegNet: +2 and +3; over two seeds t(0.975, 1) = 12.7 makes the
    # interval [2.5 -/+ 6.35]: no measurable effect.
    assert '| AdaptSegNet | source only | +2.00, +3.00 | +2.50 ' in text
    assert '| 12 % | no measurable effect |' in text
    assert (tmp_path / 'table.png').read_bytes()[:4] == b'\x89PNG'


@pytest.mark.parametrize(
    'args, message',
    [
        (['a=x.py', 'broken'], "row 2 ('broken'): expected NAME=CONFIG"),
        (['--rows', 'none.yaml'], 'rows file none.yaml does not exist'),
        (['a=x.py', '--rows', 'r.json'], 'NAME=CONFIG entries or --rows'),
        (['a=x.py', '--seeds', '0'], "no such config: row 'a': x.py"),
    ],
)
def test_benchmark_rows_errors_are_one_line(args, message, monkeypatch):
    with pytest.raises(SystemExit) as done:
        run_tool('analysis/synthetic_benchmark.py', *args,
                 monkeypatch=monkeypatch)  # fmt: skip
    assert str(done.value) == f'error: {message}' or message in str(done.value)


def test_benchmark_on_cuda_without_a_gpu_fails_first(tmp_path, monkeypatch):
    import torch

    if torch.cuda.is_available():
        pytest.skip('a GPU is present')
    with pytest.raises(SystemExit) as done:
        run_tool(
            'analysis/synthetic_benchmark.py', f'a={SOURCE_ONLY}',
            '--device', 'cuda',
            '--jobs', '8', '--results', str(tmp_path / 'r'),
            monkeypatch=monkeypatch,
        )  # fmt: skip
    assert 'torch sees no CUDA device' in str(done.value)
    assert not (tmp_path / 'r').exists()
