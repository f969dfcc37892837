from .magnitude_log_processor import MagnitudeLogProcessor, significant

__all__ = ['MagnitudeLogProcessor', 'significant']
