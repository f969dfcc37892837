"""The README demo, shortened: a demo config through tools/train.py on a
tiny synthetic set, then tools/infer.py on real GTA5 and Cityscapes frames
with the checkpoint it left."""

import json
import runpy
import sys
from pathlib import Path

import cv2
import pytest
from test_datasets.dataset_layouts import realdata

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / 'configs/demo/pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
TINY = [
    'train_cfg.max_iters=4',
    'train_cfg.val_interval=4',
    'default_hooks.checkpoint.interval=4',
    'default_hooks.logger.interval=2',
    'default_hooks.visualization.interval=2',
    'train_dataloader.dataset.source.num_samples=4',
    'train_dataloader.dataset.target.num_samples=4',
    'val_dataloader.dataset.num_samples=4',
    'test_dataloader.dataset.num_samples=4',
]


def run_tool(tool: str, *args: str, monkeypatch) -> None:
    monkeypatch.setattr(sys, 'argv', [tool, *args])
    runpy.run_path(str(ROOT / 'tools' / tool), run_name='__main__')


@pytest.fixture(scope='module')
def demo_run(tmp_path_factory):
    """The demo config trained for 4 iterations on 4+4 images."""
    tmp = tmp_path_factory.mktemp('demo')
    mp = pytest.MonkeyPatch()
    mp.setenv('MMSEG_PFR_SYNTHETIC_CACHE', str(tmp / 'cache'))
    try:
        run_tool(
            'train.py',
            str(DEMO),
            '--work-dir',
            str(tmp / 'work'),
            '--cfg-options',
            *TINY,
            monkeypatch=mp,
        )
    finally:
        mp.undo()
    return tmp / 'work'


def test_demo_logs_trains_checkpoints_evaluates_and_paints(demo_run):
    log = next(demo_run.glob('*/*.log')).read_text()
    assert 'Iter(train) [4/4]' in log
    for key in (
        'decode.loss_ce',
        'adv.loss_adv',
        'pfr.loss_style',
        'adv.disc.acc_tgt',
    ):
        assert key in log
    # The per-class table of the 19 classes and the target val mIoU.
    assert '| traffic light |' in log and '|    bicycle    |' in log
    scalars = next(demo_run.glob('*/vis_data/scalars.json')).read_text()
    evaluation = [
        json.loads(line) for line in scalars.splitlines() if 'mIoU' in line
    ]
    assert len(evaluation) == 1 and 0 <= evaluation[0]['mIoU'] <= 100
    assert (demo_run / 'iter_4.pth').exists()
    painted = list(demo_run.glob('*/vis_data/vis_image/*.png'))
    assert len(painted) == 2


@pytest.mark.parametrize(
    'image',
    [
        'cityscapes/leftImg8bit/val/frankfurt/'
        'frankfurt_000000_000294_leftImg8bit.png',
        'gta5/images/fda_demo_source_unknown_id.png',
    ],
)
def test_infer_paints_real_frames_with_the_demo_checkpoint(
    demo_run, image, tmp_path, monkeypatch
):
    path = realdata(image)
    run_tool(
        'infer.py',
        str(demo_run / DEMO.name),
        str(demo_run / 'iter_4.pth'),
        str(path),
        '--out',
        str(tmp_path),
        monkeypatch=monkeypatch,
    )
    original = cv2.imread(str(path))
    for suffix in ('pred', 'overlay'):
        out = cv2.imread(str(tmp_path / f'{path.stem}_{suffix}.png'))
        assert out is not None and out.shape == original.shape
    pred = cv2.imread(str(tmp_path / f'{path.stem}_pred.png'))
    overlay = cv2.imread(str(tmp_path / f'{path.stem}_overlay.png'))
    # The overlay is the frame and the colour map blended half and half.
    blend = (0.5 * original.astype(float) + 0.5 * pred).round()
    assert abs(overlay.astype(float) - blend).max() <= 1


def test_domain_gap_tool_on_the_demo_checkpoint(
    demo_run, tmp_path, monkeypatch
):
    monkeypatch.setenv(
        'MMSEG_PFR_SYNTHETIC_CACHE', str(demo_run.parent / 'cache')
    )
    config, ckpt = str(demo_run / DEMO.name), str(demo_run / 'iter_4.pth')
    run_tool(
        'analysis/domain_gap.py',
        config,
        ckpt,
        '--name',
        'demo',
        '--versus',
        config,
        ckpt,
        'again',
        '--pairs',
        '2',
        '--out-md',
        str(tmp_path / 'gap.md'),
        '--out-png',
        str(tmp_path / 'gap.png'),
        '--cfg-options',
        *[o for o in TINY if 'dataset' in o],
        monkeypatch=monkeypatch,
    )
    lines = (tmp_path / 'gap.md').read_text().splitlines()
    demo = [line for line in lines if line.startswith('| demo |')]
    again = [line for line in lines if line.startswith('| again |')]
    # Four PFR stages of 16/32/64/128 channels; the same checkpoint twice
    # measures the same gap.
    assert [row.split('|')[3].strip() for row in demo] == [
        '16',
        '32',
        '64',
        '128',
    ]
    assert [r.split('|')[3:] for r in demo] == [
        r.split('|')[3:] for r in again
    ]
    assert (tmp_path / 'gap.png').stat().st_size > 1000
