"""The synthetic benchmark's bookkeeping: results read back from mmengine's
json logs, aggregated over seeds, tabulated and plotted."""

import json

import pytest

from mmseg_pfr.synthetic.benchmark import (
    bar_chart,
    last_metrics,
    markdown_table,
    summarise,
)


def test_last_metrics_takes_the_last_evaluation(tmp_path):
    log = tmp_path / 'run.json'
    log.write_text(
        '\n'.join(
            json.dumps(r)
            for r in [
                {'loss': 1.0, 'iter': 10},
                {'mIoU': 10.0, 'aAcc': 50.0},
                {'loss': 0.5, 'iter': 20},
                {'mIoU': 12.5, 'aAcc': 60.0},
            ]
        )
        + '\n'
    )
    assert last_metrics(str(log)) == {'mIoU': 12.5, 'aAcc': 60.0}
    log.write_text(json.dumps({'loss': 1.0}) + '\n')
    with pytest.raises(ValueError, match='holds no evaluation'):
        last_metrics(str(log))


def test_summary_table_and_chart(tmp_path):
    results = {
        'source only': [
            dict(target=20.0, source=30.0),
            dict(target=22.0, source=34.0),
        ],
        'oracle': [dict(target=40.0, source=10.0)],
    }
    rows = summarise(results)
    assert rows[0]['target_mean'] == 21.0
    assert rows[0]['target_std'] == pytest.approx(2**0.5)
    assert rows[0]['source_mean'] == 32.0 and rows[1]['target_std'] == 0
    table = markdown_table(rows).splitlines()
    assert table[2] == '| source only | 21.0 ± 1.4 | 32.0 ± 2.8 | 20.0, 22.0 |'
    assert table[3] == '| oracle | 40.0 ± 0.0 | 10.0 ± 0.0 | 40.0 |'
    bar_chart(rows, str(tmp_path / 'chart.png'))
    assert (tmp_path / 'chart.png').read_bytes()[:4] == b'\x89PNG'


def test_warm_start_checkpoint_keeps_weights_and_metadata_only(tmp_path):
    import torch

    from mmseg_pfr.synthetic.benchmark import weights_only

    full = dict(
        state_dict={'segmentor.w': torch.ones(2)},
        meta=dict(dataset_meta=dict(classes=('a',)), seed=3, iter=1200,
                  hook_msgs={'x': 1}),
        optimizer={'state': {}},
        message_hub={'log_scalars': {}},
    )  # fmt: skip
    torch.save(full, tmp_path / 'iter_1200.pth')
    out = weights_only(
        str(tmp_path / 'iter_1200.pth'), str(tmp_path / 'w.pth')
    )
    saved = torch.load(out, weights_only=True)
    assert set(saved) == {'state_dict', 'meta'}
    assert saved['meta'] == dict(dataset_meta=dict(classes=('a',)), seed=3,
                                 iter=1200)  # fmt: skip
    assert torch.equal(saved['state_dict']['segmentor.w'], torch.ones(2))


def test_methods_are_demo_configs_and_the_warm_start_exists():
    from pathlib import Path

    from mmseg_pfr.synthetic.benchmark import METHODS, WARM_START

    demo = Path(__file__).resolve().parents[2] / 'configs' / 'demo'
    for _, config in METHODS:
        assert (demo / config).is_file(), config
    assert (demo / WARM_START).is_file()
    names = [name for name, _ in METHODS]
    assert 'self-training' in names and 'source only' in names
