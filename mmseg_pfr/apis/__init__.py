from .cli import add_common_args, apply_cli, enable_amp, load_config

__all__ = ['add_common_args', 'apply_cli', 'enable_amp', 'load_config']
