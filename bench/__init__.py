"""The province-scale benchmark: a data generator and a harness that measures the portal
at the size a province deploys it (docs/performance.md).

``bench.data`` (a package by domain) fills PostgreSQL with a province; ``bench.run``
measures dispatch, the list APIs over real HTTP, the flag computation, pre-filling a
monitoring report, the escalation job and query counts, and writes the reports. The
management commands ``bench_data`` and ``bench`` are thin wrappers around them.
"""
