"""Helpers that every layer of the package may use (they import nothing of
it): the tools' one-line user errors."""

from .tool_errors import fail, require_file

__all__ = ['fail', 'require_file']
