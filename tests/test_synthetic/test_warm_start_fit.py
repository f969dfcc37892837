"""Every built-in benchmark row loads its warm start: the weights a warm
start's model writes fit the row's model, as the tool refits and the
runner checks them (``fitted_warm_start`` with the row's :class:`Plan`,
``CheckpointFitHook``)."""

from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import torch
from mmengine.config import Config
from mmseg.registry import MODELS

from mmseg_pfr.compat.checkpoint_fit import fit_state_dict
from mmseg_pfr.synthetic.benchmark import Setup, fitted_warm_start, plan
from mmseg_pfr.synthetic.rows import (
    calibration_spec,
    default_spec,
    recipe_spec,
)

ROOT = Path(__file__).resolve().parents[2]


def _pairs() -> List[Tuple[str, str]]:
    """(warm start config, row config) of every built-in table's rows."""
    pairs = set()
    for spec in (default_spec(), calibration_spec(), recipe_spec()):
        for row in spec.rows:
            if row.warm_start is not None:
                pairs.add((spec.warm_starts[row.warm_start], row.config))
    return sorted(pairs)


def _model(config: str) -> torch.nn.Module:
    return MODELS.build(Config.fromfile(str(ROOT / config)).model)


_WARM: Dict[str, Path] = {}


def _warm_start(config: str, tmp_path_factory) -> Path:
    """A checkpoint of the warm start's model, as its run writes one."""
    if config not in _WARM:
        path = tmp_path_factory.mktemp('warm') / 'warm_start.pth'
        torch.save(dict(state_dict=_model(config).state_dict()), path)
        _WARM[config] = path
    return _WARM[config]


@pytest.mark.parametrize('warm, config', _pairs(), ids=lambda p: Path(p).stem)
def test_each_row_loads_its_warm_start(warm, config, tmp_path_factory):
    checkpoint = _warm_start(warm, tmp_path_factory)
    uda = plan(str(ROOT / config), Setup('r', 'w', str(ROOT))).uda
    loaded = fitted_warm_start(str(checkpoint), uda)
    state = torch.load(loaded, map_location='cpu', weights_only=True)
    fit_state_dict(_model(config), state['state_dict'], loaded)  # no error
