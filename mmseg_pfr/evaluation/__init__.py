"""Evaluation: metrics for the adaptation benchmarks."""

from .subset_iou_metric import SubsetIoUMetric

__all__ = ['SubsetIoUMetric']
