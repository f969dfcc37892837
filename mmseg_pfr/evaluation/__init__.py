"""Evaluation: metrics for the adaptation benchmarks, and the archives
their test servers score."""

from .acdc_submission_metric import ACDCSubmissionMetric
from .condition_iou_metric import ConditionIoUMetric
from .dark_zurich_submission_metric import DarkZurichSubmissionMetric
from .server_submission_metric import (
    ServerSubmissionMetric,
    SubmissionError,
    SubmissionExistsError,
)
from .subset_iou_metric import SubsetIoUMetric

__all__ = [
    'ACDCSubmissionMetric',
    'ConditionIoUMetric',
    'DarkZurichSubmissionMetric',
    'ServerSubmissionMetric',
    'SubmissionError',
    'SubmissionExistsError',
    'SubsetIoUMetric',
]
