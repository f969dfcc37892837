from .self_training import MeanTeacherSelfTraining
from .uda_segmentor import UDASegmentor

__all__ = ['MeanTeacherSelfTraining', 'UDASegmentor']
