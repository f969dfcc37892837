from .pfr_neck import PFRNeck

__all__ = ['PFRNeck']
