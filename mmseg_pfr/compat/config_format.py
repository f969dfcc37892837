"""Configs whose text is formatted by yapf once, not at every read.

mmengine formats a config's text with yapf whenever ``Config.pretty_text``
is read, and a training run reads it five times by its first checkpoint
(the logged config, the message hub's copy, the config dumped into the work
dir, twice, and the checkpoint's meta; then once more at every checkpoint):
0.2-1.3 s each on a 2-core CPU for the same text. ``Config.fromfile`` has a
``format_python_code=False`` switch, but mmengine 0.10.7 drops it for
ordinary (non-lazy) configs, and the unformatted text would not be the
config mmseg users find in their work dirs anyway. So
:func:`load_config_file` returns a config that formats its text on the
first read and again only after its content changed: the same text, the
same dumped file, one yapf run.
"""

from mmengine.config import Config


class OnceFormattedConfig(Config):
    """A ``Config`` whose ``pretty_text`` is computed once per content."""

    @property
    def pretty_text(self) -> str:
        content = self.to_dict()
        cached = self.__dict__.get('_pretty_cache')
        if cached is None or cached[0] != content:
            cached = (content, super().pretty_text)
            # Config.__setattr__ writes into the config itself.
            object.__setattr__(self, '_pretty_cache', cached)
        return cached[1]


def load_config_file(path: str) -> OnceFormattedConfig:
    """``Config.fromfile(path)`` as an :class:`OnceFormattedConfig`."""
    cfg = Config.fromfile(path)
    return OnceFormattedConfig(
        cfg.to_dict(),
        cfg_text=cfg.text,
        filename=cfg.filename,
        env_variables=cfg.env_variables,
    )
