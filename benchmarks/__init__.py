"""Benchmarks and the standard dataset; figures go to docs/PERFORMANCE.md."""
