"""The synthetic benchmark's bookkeeping: results files round trip, an
interrupted table completes from its files, records made elsewhere are
checked, the device setting reaches every run, configs are read safely
beside each other and checked before anything trains (val set, protocol),
a failed run loses no other run and no training, and the report (table,
verdicts, chart) is rebuilt from the files. No test trains: a fake runner
writes what a finished run writes, or the train and score steps are
replaced."""

import json
import os.path as osp
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import torch

from mmseg_pfr.synthetic import benchmark
from mmseg_pfr.synthetic.benchmark import (
    TRAINED,
    BenchmarkError,
    Setup,
    Timing,
    check_device,
    existing,
    fitted_warm_start,
    last_metrics,
    plan,
    relative,
    run_and_record,
    run_command,
    run_dir,
    run_table,
    table_records,
    weights_only,
)
from mmseg_pfr.synthetic.report import (
    ReportError,
    build,
    chart,
    figure,
    markdown,
)
from mmseg_pfr.synthetic.results import (
    FORMAT,
    ResultsFileError,
    collect,
    domain_scores,
    read_record,
    record_path,
    write_record,
)
from mmseg_pfr.synthetic.rows import Row, Spec, complete

ROOT = Path(__file__).resolve().parents[2]
CLASSES = ['a', 'b']
# Target val mIoU per config stem (the fake runs' scores), plus a seed term.
SCORE = {'warm': 20.0, 'so': 22.0, 'st': 26.0, 'oracle': 30.0}


def test_last_metrics_takes_the_last_evaluation(tmp_path):
    log = tmp_path / 'run.json'
    lines = [{'loss': 1.0}, {'mIoU': 10.0}, {'loss': 0.5}, {'mIoU': 12.5}]
    log.write_text('\n'.join(map(json.dumps, lines)) + '\n')
    assert last_metrics(str(log)) == {'mIoU': 12.5}
    log.write_text(json.dumps({'loss': 1.0}) + '\n')
    with pytest.raises(ValueError, match='holds no evaluation'):
        last_metrics(str(log))


def test_run_command_times_its_own_process(tmp_path):
    spin = 'sum(i * i for i in range(3 * 10**6))'
    timing = run_command(['-c', spin], str(tmp_path / 'log'))
    assert 0 < timing.cpu <= timing.wall + 0.05
    with pytest.raises(BenchmarkError, match='failed; see .*fail.log'):
        run_command(['-c', 'raise SystemExit(3)'], str(tmp_path / 'fail.log'))


def test_warm_start_checkpoint_keeps_weights_and_metadata_only(tmp_path):
    full = dict(
        state_dict={'segmentor.w': torch.ones(2)},
        meta=dict(dataset_meta=dict(classes=('a',)), seed=3, iter=1200,
                  hook_msgs={'x': 1}),
        optimizer={'state': {}},
    )  # fmt: skip
    torch.save(full, tmp_path / 'iter_1200.pth')
    out = weights_only(str(tmp_path / 'iter_1200.pth'), str(tmp_path / 'w'))
    saved = torch.load(out, weights_only=True)
    assert set(saved) == {'state_dict', 'meta'}
    assert saved['meta'] == dict(dataset_meta=dict(classes=('a',)), seed=3,
                                 iter=1200)  # fmt: skip


def per_image(miou_a: float, images: int = 4) -> dict:
    """Per-image areas whose class-a IoU is ``miou_a`` % and class-b 50 %;
    one more correct pixel of class a on image k in seed-like fashion."""
    hits = round(miou_a)
    return dict(
        classes=CLASSES,
        images=[f'{i:06d}' for i in range(images)],
        intersect=[[hits, 50]] * images,
        union=[[100, 100]] * images,
    )


def scores_for(value: float) -> dict:
    areas = per_image(value)
    target = domain_scores(areas, (round(value) + 50) / 2)
    target.update({k: areas[k] for k in ('images', 'intersect', 'union')})
    return dict(target=target, source=domain_scores(areas, target['mIoU']))


class FakeRunner:
    """Writes a finished run's record and checkpoint; counts its calls.
    A run in ``fail`` ((config name, seed)) fails instead."""

    def __init__(self, fail=()) -> None:
        self.calls = []
        self.fail = fail

    def __call__(self, name, config, seed, setup, plan, warm_start=None,
                 load_from=None, device=''):  # fmt: skip
        self.calls.append((osp.basename(config), seed, load_from))
        if (osp.basename(config), seed) in self.fail:
            raise BenchmarkError(f'{osp.basename(config)} broke')
        work_dir = run_dir(setup, config, seed)
        Path(work_dir).mkdir(parents=True, exist_ok=True)
        ckpt = osp.join(work_dir, 'iter_2.pth')
        torch.save(dict(state_dict={}, meta=dict(dataset_meta={}, seed=seed,
                                                 iter=2)), ckpt)  # fmt: skip
        Path(work_dir, 'last_checkpoint').write_text(ckpt)
        stem = osp.splitext(osp.basename(config))[0]
        record = dict(
            format=FORMAT, name=name, config=config, seed=seed,
            warm_start=warm_start and relative(warm_start, setup.root),
            cfg_options=list(setup.cfg_options), max_iters=setup.max_iters,
            iterations=plan.iterations, commit='abc', device=device,
            train_seconds=90.0, train_cpu_seconds=60.0, test_seconds=10.0,
            test_cpu_seconds=6.0,
            scores=scores_for(SCORE[stem] + seed),
        )  # fmt: skip
        write_record(record_path(setup.results_dir, config, seed), record)
        return record


def write_config(path: Path, iters: int = 2, images: int = 4,
                 model: str = 'UDASegmentor') -> str:  # fmt: skip
    """A config as much as the benchmark reads of one before training."""
    path.write_text(
        f'train_cfg = dict(type="IterBasedTrainLoop", max_iters={iters})\n'
        f'test_dataloader = dict(dataset=dict(type="SyntheticStreetDataset",'
        f' split="val", domain="target", num_samples={images}))\n'
        f'model = dict(type="{model}")\n'
    )
    return str(path)


@pytest.fixture
def configs(tmp_path) -> Path:
    """The fake table's configs, in tmp_path/configs."""
    folder = tmp_path / 'configs'
    folder.mkdir()
    for stem in SCORE:
        write_config(folder / f'{stem}.py')
    return folder


@pytest.fixture
def spec(configs) -> Spec:
    rows = [
        Row('source only', str(configs / 'so.py'), 'warm'),
        Row('self-training', str(configs / 'st.py'), 'warm'),
        Row('target oracle', str(configs / 'oracle.py'), 'warm'),
    ]
    return complete(Spec(rows, {'warm': str(configs / 'warm.py')}))


@pytest.fixture
def setup(tmp_path):
    return Setup(str(tmp_path / 'results'), str(tmp_path / 'work'), '/repo')


def test_results_file_round_trip(tmp_path):
    path = record_path(str(tmp_path), 'configs/x/st_a.py', 2)
    assert path == str(tmp_path / 'st_a' / 'seed2.json')
    record = dict(format=FORMAT, config='configs/x/st_a.py', seed=2,
                  scores=scores_for(26.0))  # fmt: skip
    write_record(path, record)
    assert read_record(path) == record
    # Lists of numbers on one line each.
    assert '\n    [26,50],\n' in Path(path).read_text()
    assert [p.name for p in (tmp_path / 'st_a').iterdir()] == ['seed2.json']
    assert collect(str(tmp_path)) == [{**record, 'path': path}]


@pytest.mark.parametrize(
    'content, message',
    [
        ('{"format": 1', 'unreadable'),
        ('{"format": 1}', 'not a benchmark results file'),
        ('{"format": 9, "config": "a", "seed": 0, "scores": {}}', 'format 9'),
    ],
)
def test_bad_results_files_name_the_file(tmp_path, content, message):
    (tmp_path / 'seed0.json').write_text(content)
    with pytest.raises(ResultsFileError, match=message) as error:
        read_record(str(tmp_path / 'seed0.json'))
    assert 'seed0.json' in str(error.value)


def test_domain_scores_reproduce_the_logged_miou():
    areas = dict(classes=['a', 'b', 'c'], intersect=[[1, 0, 0], [1, 2, 0]],
                 union=[[2, 0, 0], [2, 4, 0]])  # fmt: skip
    scores = domain_scores(areas, 50.0)
    assert scores == dict(mIoU=50.0, IoU=dict(a=50.0, b=50.0, c=None))
    with pytest.raises(ResultsFileError, match='logged 61.000'):
        domain_scores(areas, 61.0)


def test_a_table_trains_warm_starts_first_then_its_rows(spec, setup):
    runner = FakeRunner()
    records = run_table(spec, [0, 1], setup, jobs=2, runner=runner,
                        log=lambda _: None)  # fmt: skip
    assert len(records) == 8 and len(runner.calls) == 8
    warm = {c[1]: c for c in runner.calls if c[0] == 'warm.py'}
    for config, seed, load_from in runner.calls:
        if config != 'warm.py':
            assert load_from == osp.join(run_dir(setup, 'warm.py', seed),
                                         'warm_start.pth')  # fmt: skip
            assert runner.calls.index(warm[seed]) < runner.calls.index(
                (config, seed, load_from)
            )
    assert len(collect(setup.results_dir)) == 8


def test_an_interrupted_table_completes_from_its_files(spec, setup):
    run_table(spec, [0, 1], setup, runner=FakeRunner(), log=print)
    Path(record_path(setup.results_dir, 'st.py', 1)).unlink()
    again = FakeRunner()
    records = run_table(spec, [0, 1], setup, runner=again, log=print)
    assert again.calls == [
        ('st.py', 1, osp.join(run_dir(setup, 'warm.py', 1), 'warm_start.pth'))
    ]
    assert len(records) == 8
    # On a machine with the records but no checkpoints, the missing run's
    # warm start is trained again first; the others are not.
    fresh = Setup(setup.results_dir, setup.work_dir + '2', '/repo')
    Path(record_path(setup.results_dir, 'so.py', 0)).unlink()
    third = FakeRunner()
    run_table(spec, [0, 1], fresh, runner=third, log=print)
    assert [c[:2] for c in third.calls] == [('warm.py', 0), ('so.py', 0)]
    # Nothing missing: nothing trained, the table comes from the files.
    assert len(table_records(spec, [0, 1], fresh)) == 8


def test_a_record_of_another_run_is_not_reused(spec, setup):
    run_table(spec, [0], setup, runner=FakeRunner(), log=print)
    with pytest.raises(ResultsFileError, match='fine-tuned .*warm.py'):
        existing('st.py', 0, setup, 'other_warm.py')
    other = Setup(setup.results_dir, setup.work_dir, '/repo', 'cpu',
                  ['train_cfg.max_iters=2'])  # fmt: skip
    with pytest.raises(ResultsFileError, match='--cfg-options'):
        run_table(spec, [0], other, runner=FakeRunner(), log=print)


def test_device_setting_reaches_every_run(setup, monkeypatch):
    cpu = setup.env()
    assert cpu['CUDA_VISIBLE_DEVICES'] == '' and cpu['OMP_NUM_THREADS'] == '1'
    monkeypatch.delenv('CUDA_VISIBLE_DEVICES', raising=False)
    cuda = Setup('r', 'w', '/repo', 'cuda').env()
    assert 'CUDA_VISIBLE_DEVICES' not in cuda
    assert cuda['OMP_NUM_THREADS'] == '1'
    assert check_device('cpu').startswith('cpu')
    with pytest.raises(BenchmarkError, match="'cpu' or 'cuda'"):
        check_device('tpu')


@pytest.mark.skipif(torch.cuda.is_available(), reason='a GPU is present')
def test_cuda_without_a_gpu_fails_before_training(spec, setup):
    runner = FakeRunner()
    cuda = Setup(setup.results_dir, setup.work_dir, '/repo', 'cuda')
    with pytest.raises(BenchmarkError, match='no CUDA device'):
        run_table(spec, [0], cuda, runner=runner, log=print)
    assert runner.calls == []


def test_report_from_the_files(spec, setup, tmp_path):
    run_table(spec, [0, 1, 2], setup, runner=FakeRunner(), log=print)
    records = table_records(spec, [0, 1, 2], setup)
    lines = {line.name: line for line in build(spec, records, 200)}
    st = lines['self-training']
    # Class a: 26 + seed vs 22 + seed hits of 100 -> +4 IoU / 2 classes.
    assert st.gain.per_seed == pytest.approx([2.0, 2.0, 2.0])
    assert st.gain.seed_interval == pytest.approx((2.0, 2.0))
    assert st.gain.bootstrap == [pytest.approx((2.0, 2.0))] * 3
    assert st.verdict == 'adapts' and st.share == pytest.approx(0.5)
    assert lines['source only'].gain is None
    assert lines['warm (no fine-tuning)'].warm
    text = markdown(list(lines.values()), [0, 1, 2], records, CLASSES)
    assert '| self-training | source only | +2.00, +2.00, +2.00 |' in text
    assert '| 50 % | adapts |' in text
    assert '| warm (no fine-tuning) | 35.5 ± 0.5 |' in text
    # Each run: 66 s of CPU time and 100 s of wall time; 12 runs.
    assert 'warm.py 1.1 (1.7)' in text and "config's mean): 13 min" in text
    assert text.endswith(
        "\nOptions: 12 runs with no `--cfg-options` and each config's own "
        'length (2 iterations).\n'
    )
    chart(list(lines.values()), str(tmp_path / 'chart.png'))
    assert (tmp_path / 'chart.png').read_bytes()[:4] == b'\x89PNG'


def test_report_marks_missing_runs(spec, setup):
    run_table(spec, [0, 1], setup, runner=FakeRunner(), log=print)
    Path(record_path(setup.results_dir, 'oracle.py', 1)).unlink()
    records = table_records(spec, [0, 1], setup)
    lines = build(spec, records, 100)
    text = markdown(lines, [0, 1], records, CLASSES)
    oracle = '| target oracle | 40.0 ± 0.0 | 40.0 ± 0.0 | 40.0 / (missing) |'
    assert oracle in text


def test_a_reused_record_of_a_changed_config_is_noted(setup, tmp_path):
    config = write_config(tmp_path / 'so.py')
    one = complete(Spec([Row('source only', config)]))
    run_table(one, [0], setup, runner=FakeRunner(), log=print)
    path = record_path(setup.results_dir, config, 0)
    record = read_record(path)
    write_record(path, {**record, 'config_sha256': 'older'})
    notes = []
    run_table(one, [0], setup, runner=FakeRunner(), log=notes.append)
    assert 'resolves to other settings now' in notes[0]
    write_record(path, {**record, 'config_sha256': plan(config, setup).digest})
    notes.clear()
    run_table(one, [0], setup, runner=FakeRunner(), log=notes.append)
    assert notes == ['source only seed 0: target val mIoU 36.00, '
                     'source val mIoU 36.00']  # fmt: skip


def test_warm_starts_are_refitted_between_plain_and_uda_models(tmp_path):
    plain, uda = False, True  # the fine-tuning model: a UDASegmentor?
    meta = dict(seed=0)
    w = torch.ones(1)
    torch.save(dict(state_dict={'backbone.w': w}, meta=meta),
               tmp_path / 'p.pth')  # fmt: skip
    assert fitted_warm_start(str(tmp_path / 'p.pth'), plain) == str(
        tmp_path / 'p.pth'
    )
    out = fitted_warm_start(str(tmp_path / 'p.pth'), uda)
    assert out == str(tmp_path / 'p_uda.pth')
    saved = torch.load(out, weights_only=True)
    assert list(saved['state_dict']) == ['segmentor.backbone.w']
    assert saved['meta'] == meta
    both = {'segmentor.backbone.w': w, 'terms.adv.discriminator.w': w}
    torch.save(dict(state_dict=both, meta=meta), tmp_path / 'u.pth')
    assert fitted_warm_start(str(tmp_path / 'u.pth'), uda) == str(
        tmp_path / 'u.pth'
    )
    out = fitted_warm_start(str(tmp_path / 'u.pth'), plain)
    assert list(torch.load(out, weights_only=True)['state_dict']) == [
        'backbone.w'
    ]


def test_configs_load_safely_beside_each_other(tmp_path, setup):
    # A base config named mmseg::... makes mmengine reload pkg_resources,
    # which failed loads in the other thread (12 of 30 under --jobs 2).
    config = write_config(tmp_path / 'c.py')
    with open(config, 'a') as f:
        f.write("_base_ = ['mmseg::_base_/default_runtime.py']\n")

    def digest(_) -> str:
        return plan(config, setup).digest

    with ThreadPoolExecutor(2) as pool:
        digests = list(pool.map(digest, range(30)))
    assert digests == [digest(0)] * 30


def refusal(spec: Spec, setup: Setup, error: type = BenchmarkError) -> str:
    """The error a table ends with before any of its runs trains."""
    runner = FakeRunner()
    with pytest.raises(error) as raised:
        run_table(spec, [0], setup, runner=runner, log=print)
    assert runner.calls == []
    return str(raised.value)


@pytest.mark.parametrize(
    'change, message',
    [
        (dict(images=5), "row 'self-training' is scored on another val set "
         "than warm start 'warm' (test_dataloader.dataset num_samples: 5, "
         'not 4): the rows of a table are compared on one val set'),
        (dict(iters=3), "row 'self-training' and its baseline 'source only' "
         'train 3 and 2 iterations: a paired gain compares runs of one '
         'protocol (--max-iters N trains every run N)'),
    ],
)  # fmt: skip
def test_a_row_that_would_not_compare_is_refused_before_any_run(
    spec, setup, configs, change, message
):
    write_config(configs / 'st.py', **change)
    assert refusal(spec, setup) == message


def test_rows_on_other_warm_starts_are_refused_before_any_run(
    spec, setup, configs
):
    warm = spec.warm_starts['warm']
    rows = [Row('so', str(configs / 'so.py'), 'warm'),
            Row('st', str(configs / 'so.py'), 'other', 'so')]  # fmt: skip
    two = complete(Spec(rows, {'warm': warm, 'other': warm}))
    assert refusal(two, setup) == (
        "row 'st' and its baseline 'so' fine-tune different warm starts "
        "('other', 'warm'): a paired gain compares runs of one protocol"
    )


def test_max_iters_puts_configs_of_other_lengths_on_one_protocol(
    spec, setup, configs
):
    write_config(configs / 'st.py', iters=3)
    short = Setup(setup.results_dir, setup.work_dir, '/repo', max_iters=1)
    records = run_table(spec, [0], short, runner=FakeRunner(), log=print)
    assert [(r['max_iters'], r['iterations']) for r in records] == [(1, 1)] * 4


def test_records_on_other_val_images_are_refused_before_any_run(spec, setup):
    run_table(spec, [0], setup, runner=FakeRunner(), log=print)
    path = record_path(setup.results_dir, 'st.py', 0)
    record = read_record(path)
    record['scores']['target']['images'] = ['a', 'b', 'c', 'd']
    write_record(path, record)
    Path(record_path(setup.results_dir, 'oracle.py', 0)).unlink()
    assert refusal(spec, setup, ReportError) == (
        "row 'self-training' and its baseline 'source only' were scored on "
        'different target val images (seed 0: 4 and 4 images, not the same '
        'ones in the same order): a paired gain needs both runs on one val '
        'set'
    )


@pytest.mark.parametrize(
    'text, options, max_iters, message',
    [
        ('', ['no_value'], None,
         "--cfg-options 'no_value': expected KEY=VALUE"),
        ('x = 1\n', [], 3, '--max-iters: {} sets no train_cfg.max_iters (its '
         'loop does not count iterations)'),
        ('x = 1\n', [], None, '{} has no test_dataloader.dataset: every run '
         'is scored on it with tools/test.py'),
    ],
)  # fmt: skip
def test_configs_that_cannot_run_are_named(
    tmp_path, text, options, max_iters, message
):
    config = tmp_path / 'c.py'
    config.write_text(text)
    setup = Setup('r', 'w', '/repo', 'cpu', options, max_iters)
    with pytest.raises(BenchmarkError) as error:
        plan(str(config), setup)
    assert str(error.value) == message.format(config)


def test_a_failed_run_stops_no_other_run(spec, setup):
    runner = FakeRunner(fail={('warm.py', 0), ('st.py', 1)})
    with pytest.raises(BenchmarkError) as error:
        run_table(spec, [0, 1], setup, jobs=2, runner=runner, log=print)
    warm_failed = "its warm start 'warm' failed"
    assert str(error.value) == (
        '5 of 8 runs failed (every other run wrote its results file; a run '
        'that finished training is scored, not trained, when run again): '
        f'warm seed 0: warm.py broke; source only seed 0: {warm_failed}; '
        f'self-training seed 0: {warm_failed}; target oracle seed 0: '
        f'{warm_failed}; self-training seed 1: st.py broke'
    )
    written = [(osp.basename(r['config']), r['seed'])
               for r in collect(setup.results_dir)]  # fmt: skip
    assert sorted(written) == [('oracle.py', 1), ('so.py', 1),
                               ('warm.py', 1)]  # fmt: skip


@pytest.fixture
def trainings(monkeypatch) -> list:
    """tools/train.py replaced: each call's arguments, and a finished
    run's ``last_checkpoint`` in its work dir (90 s, 60 s of CPU)."""
    calls = []

    def fake_run(args, log_path, env=None) -> Timing:
        calls.append(args)
        work_dir = args[args.index('--work-dir') + 1]
        Path(work_dir, 'last_checkpoint').write_text('iter_2.pth')
        return Timing(90.0, 60.0)

    monkeypatch.setattr(benchmark, 'run_command', fake_run)
    return calls


def scored(*args):
    return scores_for(22.0), Timing(10.0, 6.0)


def test_max_iters_reaches_the_train_command_and_the_record(
    tmp_path, trainings, monkeypatch
):
    monkeypatch.setattr(benchmark, 'score', scored)
    config = write_config(tmp_path / 'so.py', iters=10)
    setup = Setup(str(tmp_path / 'r'), str(tmp_path / 'w'), '/repo', 'cpu',
                  ['train_cfg.val_interval=5'], max_iters=3)  # fmt: skip
    record = run_and_record('so', config, 0, setup, plan(config, setup))
    (args,) = trainings
    assert args[2:] == [
        '--work-dir', run_dir(setup, config, 0), '--max-iters', '3',
        '--cfg-options', 'randomness.seed=0', 'train_cfg.val_interval=5',
    ]  # fmt: skip
    path = record_path(setup.results_dir, config, 0)
    assert read_record(path) == record
    assert record['cfg_options'] == ['train_cfg.val_interval=5']
    assert (record['max_iters'], record['iterations']) == (3, 3)
    # A record of another length is another run's: not reused.
    full = Setup(setup.results_dir, setup.work_dir, '/repo', 'cpu',
                 setup.cfg_options)  # fmt: skip
    with pytest.raises(ResultsFileError) as error:
        existing(config, 0, full, None)
    assert str(error.value) == (
        f"{path} was made with --max-iters 3, not each config's own length: "
        'move it away or use another --results folder'
    )
    assert plan(config, full).iterations == 10


def test_a_run_whose_scoring_failed_keeps_its_training(
    tmp_path, setup, trainings, monkeypatch
):
    def broken(*args):
        raise BenchmarkError('tools/test.py failed; see test.log')

    config = write_config(tmp_path / 'so.py')
    monkeypatch.setattr(benchmark, 'score', broken)
    with pytest.raises(BenchmarkError, match='tools/test.py failed'):
        run_and_record('so', config, 0, setup, plan(config, setup))
    assert Path(run_dir(setup, config, 0), TRAINED).exists()
    monkeypatch.setattr(benchmark, 'score', scored)
    record = run_and_record('so', config, 0, setup, plan(config, setup))
    assert len(trainings) == 1  # scored, not trained again
    assert (record['train_seconds'], record['test_seconds']) == (90.0, 10.0)
    # Another run in the same work dir (other options) trains.
    short = Setup(setup.results_dir, setup.work_dir, '/repo', max_iters=1)
    run_and_record('so', config, 0, short, plan(config, short))
    assert len(trainings) == 2


def test_the_gain_panels_title_fits_beside_many_rows(spec, setup):
    # One gain beside three rows of scores: its title was cut at the edge.
    run_table(spec, [0, 1], setup, runner=FakeRunner(), log=print)
    two = complete(Spec(spec.rows[:2], spec.warm_starts))
    fig = figure(build(two, table_records(two, [0, 1], setup), 50))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    left, right = (ax.title.get_window_extent(renderer) for ax in fig.axes)
    assert fig.bbox.x0 <= left.x0 and right.x1 <= fig.bbox.x1
    assert left.x1 < right.x0
