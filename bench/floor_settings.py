"""Settings of the benchmark's server: the app's own, plus the framework-floor endpoint."""

from wuye.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
