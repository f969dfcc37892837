"""Turn a UDA checkpoint into a plain mmseg one (the adapted segmentor).

A UDA checkpoint holds the segmentor, the discriminator and both
optimizers. Deployment needs only the segmentor: its weights under mmseg's
own key names, and a config whose ``model`` is the segmentor, so that
mmseg's ``init_model``/``inference_model``, ``tools/test.py`` and any
downstream tool take them like any other mmseg model.
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


def segmentor_config(cfg: Config) -> Config:
    """The config of the segmentor alone, for testing and inference.

    ``model`` becomes the inner segmentor; the UDA-only parts go: the
    separate-DDP model wrapper, and the per-child optimizers and schedules,
    of which the segmentor's are kept.
    """
    if cfg.model.get('type') != 'UDASegmentor':
        raise ValueError(
            f'expected a UDASegmentor config, got model type '
            f'{cfg.model.get("type")!r}'
        )
    out = Config(cfg.to_dict())
    out.model = cfg.model.segmentor
    out.pop('model_wrapper_cfg', None)
    optim = cfg.get('optim_wrapper', {})
    if optim.get('constructor') == 'UDAOptimWrapperConstructor':
        out.optim_wrapper = optim.segmentor
    schedules = cfg.get('param_scheduler')
    if isinstance(schedules, dict) and 'segmentor' in schedules:
        out.param_scheduler = schedules['segmentor']
    return out
