"""The synthetic benchmark's bookkeeping: results files round trip, an
interrupted table completes from its files, records made elsewhere are
checked, the device setting reaches every run, and the report (table,
verdicts, chart) is rebuilt from the files. No test trains: a fake runner
writes what a finished run writes."""

import json
import os.path as osp
from pathlib import Path

import pytest
import torch

from mmseg_pfr.synthetic.benchmark import (
    BenchmarkError,
    Setup,
    check_device,
    existing,
    fitted_warm_start,
    last_metrics,
    relative,
    run_command,
    run_dir,
    run_table,
    table_records,
    weights_only,
)
from mmseg_pfr.synthetic.report import build, chart, markdown
from mmseg_pfr.synthetic.results import (
    FORMAT,
    ResultsFileError,
    collect,
    config_digest,
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
    """Writes a finished run's record and checkpoint; counts its calls."""

    def __init__(self) -> None:
        self.calls = []

    def __call__(self, name, config, seed, setup, warm_start=None,
                 load_from=None, device=''):  # fmt: skip
        self.calls.append((osp.basename(config), seed, load_from))
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
            cfg_options=list(setup.cfg_options),
            commit='abc', device=device, train_seconds=90.0,
            train_cpu_seconds=60.0, test_seconds=10.0, test_cpu_seconds=6.0,
            scores=scores_for(SCORE[stem] + seed),
        )  # fmt: skip
        write_record(record_path(setup.results_dir, config, seed), record)
        return record


def spec() -> Spec:
    rows = [
        Row('source only', 'so.py', 'warm'),
        Row('self-training', 'st.py', 'warm'),
        Row('target oracle', 'oracle.py', 'warm'),
    ]
    return complete(Spec(rows, {'warm': 'warm.py'}))


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


def test_a_table_trains_warm_starts_first_then_its_rows(setup):
    runner = FakeRunner()
    records = run_table(spec(), [0, 1], setup, jobs=2, runner=runner,
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


def test_an_interrupted_table_completes_from_its_files(setup):
    run_table(spec(), [0, 1], setup, runner=FakeRunner(), log=print)
    Path(record_path(setup.results_dir, 'st.py', 1)).unlink()
    again = FakeRunner()
    records = run_table(spec(), [0, 1], setup, runner=again, log=print)
    assert again.calls == [
        ('st.py', 1, osp.join(run_dir(setup, 'warm.py', 1), 'warm_start.pth'))
    ]
    assert len(records) == 8
    # On a machine with the records but no checkpoints, the missing run's
    # warm start is trained again first; the others are not.
    fresh = Setup(setup.results_dir, setup.work_dir + '2', '/repo')
    Path(record_path(setup.results_dir, 'so.py', 0)).unlink()
    third = FakeRunner()
    run_table(spec(), [0, 1], fresh, runner=third, log=print)
    assert [c[:2] for c in third.calls] == [('warm.py', 0), ('so.py', 0)]
    # Nothing missing: nothing trained, the table comes from the files.
    assert len(table_records(spec(), [0, 1], fresh)) == 8


def test_a_record_of_another_run_is_not_reused(setup):
    run_table(spec(), [0], setup, runner=FakeRunner(), log=print)
    with pytest.raises(ResultsFileError, match='fine-tuned .*warm.py'):
        existing('st.py', 0, setup, 'other_warm.py')
    other = Setup(setup.results_dir, setup.work_dir, '/repo', 'cpu',
                  ['train_cfg.max_iters=2'])  # fmt: skip
    with pytest.raises(ResultsFileError, match='--cfg-options'):
        run_table(spec(), [0], other, runner=FakeRunner(), log=print)


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
def test_cuda_without_a_gpu_fails_before_training(setup):
    runner = FakeRunner()
    cuda = Setup(setup.results_dir, setup.work_dir, '/repo', 'cuda')
    with pytest.raises(BenchmarkError, match='no CUDA device'):
        run_table(spec(), [0], cuda, runner=runner, log=print)
    assert runner.calls == []


def test_report_from_the_files(setup, tmp_path):
    run_table(spec(), [0, 1, 2], setup, runner=FakeRunner(), log=print)
    records = table_records(spec(), [0, 1, 2], setup)
    lines = {line.name: line for line in build(spec(), records, 200)}
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
    chart(list(lines.values()), str(tmp_path / 'chart.png'))
    assert (tmp_path / 'chart.png').read_bytes()[:4] == b'\x89PNG'


def test_report_marks_missing_runs(setup):
    run_table(spec(), [0, 1], setup, runner=FakeRunner(), log=print)
    Path(record_path(setup.results_dir, 'oracle.py', 1)).unlink()
    records = table_records(spec(), [0, 1], setup)
    lines = build(spec(), records, 100)
    text = markdown(lines, [0, 1], records, CLASSES)
    oracle = '| target oracle | 40.0 ± 0.0 | 40.0 ± 0.0 | 40.0 / (missing) |'
    assert oracle in text


def test_a_reused_record_of_a_changed_config_is_noted(setup, tmp_path):
    config = tmp_path / 'so.py'
    config.write_text('x = 1\n')
    one = complete(Spec([Row('source only', str(config))]))
    run_table(one, [0], setup, runner=FakeRunner(), log=print)
    path = record_path(setup.results_dir, str(config), 0)
    record = read_record(path)
    write_record(path, {**record, 'config_sha256': 'older'})
    notes = []
    run_table(one, [0], setup, runner=FakeRunner(), log=notes.append)
    assert 'resolves to other settings now' in notes[0]
    write_record(path, {**record, 'config_sha256': config_digest(str(config))})
    notes.clear()
    run_table(one, [0], setup, runner=FakeRunner(), log=notes.append)
    assert notes == ['source only seed 0: target val mIoU 36.00, '
                     'source val mIoU 36.00']  # fmt: skip


def test_warm_starts_are_refitted_between_plain_and_uda_models(tmp_path):
    plain, uda = tmp_path / 'plain.py', tmp_path / 'uda.py'
    plain.write_text("model = dict(type='EncoderDecoder')\n")
    uda.write_text("model = dict(type='UDASegmentor')\n")
    meta = dict(seed=0)
    w = torch.ones(1)
    torch.save(dict(state_dict={'backbone.w': w}, meta=meta),
               tmp_path / 'p.pth')  # fmt: skip
    assert fitted_warm_start(str(tmp_path / 'p.pth'), str(plain)) == str(
        tmp_path / 'p.pth'
    )
    out = fitted_warm_start(str(tmp_path / 'p.pth'), str(uda))
    assert out == str(tmp_path / 'p_uda.pth')
    saved = torch.load(out, weights_only=True)
    assert list(saved['state_dict']) == ['segmentor.backbone.w']
    assert saved['meta'] == meta
    both = {'segmentor.backbone.w': w, 'terms.adv.discriminator.w': w}
    torch.save(dict(state_dict=both, meta=meta), tmp_path / 'u.pth')
    assert fitted_warm_start(str(tmp_path / 'u.pth'), str(uda)) == str(
        tmp_path / 'u.pth'
    )
    out = fitted_warm_start(str(tmp_path / 'u.pth'), str(plain))
    assert list(torch.load(out, weights_only=True)['state_dict']) == [
        'backbone.w'
    ]
