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
    # --calibration's chart: RESULTS/calibration.png, not the README's.
    assert (tmp_path / 'calibration.png').read_bytes()[:4] == b'\x89PNG'
    assert not (tmp_path / 'table.png').exists()


def tool_error(capsys, monkeypatch, *args: str) -> str:
    """The tool's stderr when it ends on a user error (exit status 2)."""
    with pytest.raises(SystemExit) as done:
        run_tool('analysis/synthetic_benchmark.py', *args,
                 monkeypatch=monkeypatch)  # fmt: skip
    assert done.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    'args, message',
    [
        (['a=x.py', 'broken'], "row 2 ('broken'): expected NAME=CONFIG, "
         "e.g. 'source only=configs/synthetic/source-only_...py'"),
        (['--rows', 'none.yaml'], 'rows file none.yaml does not exist'),
        (['a=x.py', '--rows', 'r.json'],
         'give NAME=CONFIG entries or --rows, not both'),
        (['a=x.py', '--seeds', '0'], "no such config: row 'a': x.py"),
    ],
)  # fmt: skip
def test_benchmark_rows_errors_are_one_line(
    args, message, capsys, monkeypatch
):
    assert tool_error(capsys, monkeypatch, *args) == f'error: {message}\n'


def test_benchmark_on_cuda_without_a_gpu_fails_first(
    tmp_path, capsys, monkeypatch
):
    import torch

    if torch.cuda.is_available():
        pytest.skip('a GPU is present')
    err = tool_error(
        capsys, monkeypatch, f'a={SOURCE_ONLY}', '--device', 'cuda',
        '--jobs', '8', '--results', str(tmp_path / 'r'),
    )  # fmt: skip
    assert err == 'error: --device cuda, but torch sees no CUDA device\n'
    assert not (tmp_path / 'r').exists()


def benchmark_tool() -> dict:
    """synthetic_benchmark.py's functions (its main not run)."""
    return runpy.run_path(str(ROOT / 'tools/analysis/synthetic_benchmark.py'))


@pytest.mark.parametrize(
    'args, md',
    [
        ([], 'benchmarks/synthetic/v3/table.md'),
        (['--recipe'], 'benchmarks/synthetic/v3/recipe.md'),
        (['--rows', 'benchmarks/synthetic/v3/pfr.yaml'],
         'benchmarks/synthetic/v3/pfr.md'),
        (['source only=a.py', 'PFR + adv (paper)=b.py'],
         'benchmarks/synthetic/v3/source-only_pfr-adv-paper.md'),
        (['--rows', 'x.yaml', '--results', 'R'], 'R/x.md'),
        (['a=a.py', '--out-md', 'benchmarks/synthetic/v3/table.md',
          '--out-png', 'benchmarks/synthetic/v3/table.png'],
         'benchmarks/synthetic/v3/table.md'),
    ],
)  # fmt: skip
def test_each_table_has_its_own_files(args, md):
    tool = benchmark_tool()
    out_md, out_png = tool['outputs'](tool['parse_args'](args))
    assert (out_md, out_png) == (md, md[:-3] + '.png')


@pytest.mark.parametrize(
    'args, built_in',
    [
        (['table=a.py'], 'table'),
        (['--rows', 'my/recipe.yaml'], 'recipe'),
        (['table=a.py', '--out-md', 'mine.md'], 'table'),
    ],
)
def test_custom_rows_never_write_a_built_in_table_unasked(
    args, built_in, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'my').mkdir()
    rows = 'rows: [{name: a, config: a.py}]'
    (tmp_path / 'my' / 'recipe.yaml').write_text(rows)
    err = tool_error(capsys, monkeypatch, *args)
    suffix = '.png' if '--out-md' in args else '.md'
    assert err == (
        "error: these rows' table would be written over benchmarks/"
        f"synthetic/v3/{built_in}{suffix}, the built-in '{built_in}' table: "
        'name its files with --out-md and --out-png\n'
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ['my']


def test_custom_rows_table_goes_beside_their_results(tmp_path, monkeypatch):
    from mmseg_pfr.synthetic.results import record_path, write_record
    from mmseg_pfr.synthetic.rows import WARM_START_V3, calibration_spec

    rows = {row.name: row.config for row in calibration_spec().rows}
    for seed in (0, 1):
        for name, miou in (('source only', 20 + seed), ('self-training', 27)):
            record = record_of(rows[name], seed, miou, WARM_START_V3)
            path = record_path(str(tmp_path), rows[name], seed)
            write_record(path, record)
    run_tool(
        'analysis/synthetic_benchmark.py',
        f'source only={rows["source only"]}', f'mine={rows["self-training"]}',
        '--table-only', '--seeds', '0', '1', '--results', str(tmp_path),
        '--resamples', '20', monkeypatch=monkeypatch,
    )  # fmt: skip
    text = (tmp_path / 'source-only_mine.md').read_text()
    assert '| mine | source only | +7.00, +6.00 | +6.50 ' in text
    assert (tmp_path / 'source-only_mine.png').read_bytes()[:4] == b'\x89PNG'
    assert not (tmp_path / 'table.md').exists()
    assert not (tmp_path / 'table.png').exists()


def tiny_config(path: Path, images: int = 2, iters: int = 10) -> str:
    """A config as much as the benchmark reads of one before training."""
    path.write_text(
        f'train_cfg = dict(type="IterBasedTrainLoop", max_iters={iters})\n'
        'test_dataloader = dict(dataset=dict(type="SyntheticStreetDataset",'
        f' split="val", num_samples={images}))\n'
    )
    return str(path)


@pytest.fixture
def commands(monkeypatch) -> list:
    """The benchmark's tools/train.py and tools/test.py runs replaced: the
    arguments of each, a finished training's last_checkpoint, scores."""
    from mmseg_pfr.synthetic import benchmark

    calls = []

    def fake_run(args, log_path, env=None):
        calls.append(args)
        work_dir = args[args.index('--work-dir') + 1]
        Path(work_dir, 'last_checkpoint').write_text('iter_3.pth')
        return benchmark.Timing(1.0, 1.0)

    def fake_score(config, checkpoint, work_dir, setup):
        calls.append(['score', config])
        scores = record_of(config, 0, 30, None)['scores']
        return scores, benchmark.Timing(1.0, 1.0)

    monkeypatch.setattr(benchmark, 'run_command', fake_run)
    monkeypatch.setattr(benchmark, 'score', fake_score)
    return calls


def test_rows_on_different_val_sets_fail_before_anything_trains(
    tmp_path, commands, capsys, monkeypatch
):
    a = tiny_config(tmp_path / 'a.py')
    b = tiny_config(tmp_path / 'b.py', images=5)
    err = tool_error(
        capsys, monkeypatch, f'a={a}', f'b={b}', '--warm-start', 'none',
        '--seeds', '0', '--results', str(tmp_path / 'r'),
        '--work-dir', str(tmp_path / 'w'),
    )  # fmt: skip
    assert err == (
        "error: row 'b' is scored on another val set than row 'a' "
        '(test_dataloader.dataset num_samples: 5, not 2): the rows of a '
        'table are compared on one val set\n'
    )
    assert commands == [] and not (tmp_path / 'w').exists()


def test_max_iters_is_at_least_one(capsys, monkeypatch):
    err = tool_error(capsys, monkeypatch, 'a=a.py', '--max-iters', '0')
    assert err.endswith('error: argument --max-iters: must be >= 1, got 0\n')


def test_max_iters_reaches_every_run_and_the_table(
    tmp_path, commands, monkeypatch
):
    a = tiny_config(tmp_path / 'a.py')
    results = tmp_path / 'r'
    run_tool(
        'analysis/synthetic_benchmark.py', f'a={a}', '--warm-start', 'none',
        '--seeds', '0', '--max-iters', '3', '--results', str(results),
        '--work-dir', str(tmp_path / 'w'), monkeypatch=monkeypatch,
    )  # fmt: skip
    (train, score) = commands
    assert train[train.index('--max-iters') + 1] == '3'
    assert score == ['score', a]
    record = json.loads((results / 'a' / 'seed0.json').read_text())
    assert (record['max_iters'], record['iterations']) == (3, 3)
    table = (results / 'a.md').read_text()
    assert table.endswith(
        '\nOptions: 1 run with no `--cfg-options` and `--max-iters 3` '
        '(3 iterations).\n'
    )
