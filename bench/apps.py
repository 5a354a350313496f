from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark as an app of its own, so that its management commands (``bench_data``,
    ``bench``) live beside the code they run and the hub imports nothing of it."""

    name = "bench"
    verbose_name = "Benchmark"
