"""Benchmarks: ``python -m benchmarks`` runs them all and prints one table.

Each ``bench_*.py`` module exposes ``NAME``, ``SIZES`` (default actor counts)
and ``run(size) -> list[Result]``; every (benchmark, size) pair runs in its
own subprocess so its peak memory is its own, and measures its baseline in
that same process.
"""
