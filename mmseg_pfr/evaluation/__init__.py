"""Evaluation: metrics for the adaptation benchmarks."""
