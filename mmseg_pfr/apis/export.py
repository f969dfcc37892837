"""Turn a UDA checkpoint into a plain mmseg one (the adapted segmentor).

A UDA checkpoint holds the segmentor, the discriminator and both
optimizers. Deployment needs only the segmentor: its weights under mmseg's
own key names, and a config whose ``model`` is the segmentor and which
holds only what testing and inference read, so that mmseg's
``init_model``/``inference_model``, ``tools/test.py`` and any downstream
tool take them like any other mmseg model.
"""

from typing import Any, Dict

from mmengine.config import Config

PREFIX = 'segmentor.'


def export_segmentor(checkpoint: Dict[str, Any]) -> Dict[str, Any]:
    """The segmentor's weights and the metadata mmseg reads.

    Args:
        checkpoint: A checkpoint saved while training a UDASegmentor.

    Returns:
        ``dict(state_dict=..., meta=...)`` with keys relative to the
        segmentor; ``meta`` keeps ``dataset_meta`` (classes, palette) and the
        iteration, not the optimizer or message-hub state.
    """
    state = checkpoint.get('state_dict', checkpoint)
    weights = {
        key[len(PREFIX) :]: value
        for key, value in state.items()
        if key.startswith(PREFIX)
    }
    if not weights:
        raise KeyError(
            f'no {PREFIX!r} weights in this checkpoint: it is not a '
            'UDASegmentor checkpoint'
        )
    meta = checkpoint.get('meta', {})
    kept = {k: meta[k] for k in ('dataset_meta', 'iter', 'seed') if k in meta}
    return dict(state_dict=weights, meta=kept)


# What testing and inference read from a config; everything else (the UDA
# model, the training data, optimizers, schedules, the UDA knobs) is
# training-only.
INFERENCE_KEYS = (
    'default_scope',
    'custom_imports',
    'env_cfg',
    'model',
    'test_pipeline',
    'test_dataloader',
    'test_evaluator',
    'test_cfg',
    'tta_pipeline',
    'tta_model',
    'visualizer',
    'log_processor',
    'log_level',
)


def segmentor_config(cfg: Config) -> Config:
    """The config of the segmentor alone, for testing and inference.

    ``model`` becomes the inner segmentor, and only :data:`INFERENCE_KEYS`
    are kept, plus the visualization hook (``tools/test.py --show-dir``
    turns it on). The result still needs ``mmseg_pfr`` installed: its
    ``custom_imports`` load the plugin's components (``PFRNeck``,
    ``DLV2Head``).
    """
    if cfg.model.get('type') != 'UDASegmentor':
        raise ValueError(
            f'expected a UDASegmentor config, got model type '
            f'{cfg.model.get("type")!r}'
        )
    out = Config({k: cfg[k] for k in INFERENCE_KEYS if k in cfg})
    out.model = cfg.model.segmentor
    visualization = cfg.get('default_hooks', {}).get('visualization')
    if visualization is not None:
        out.default_hooks = dict(visualization=visualization)
    return out
