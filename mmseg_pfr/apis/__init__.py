from .cli import add_common_args, apply_cli, enable_amp, load_config
from .export import export_segmentor, segmentor_config

__all__ = [
    'add_common_args',
    'apply_cli',
    'enable_amp',
    'load_config',
    'export_segmentor',
    'segmentor_config',
]
