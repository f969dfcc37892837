"""The package version, one place for setup.py and runtime."""

__version__ = '0.1.0'
