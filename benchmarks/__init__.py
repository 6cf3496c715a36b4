"""Benchmarks: a big-data generator and start-up and memory measurements (see docs/performance.md)."""
