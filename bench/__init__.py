"""Benchmarks: each module here is run by `make bench`, and at tiny size by `make bench-smoke`."""
