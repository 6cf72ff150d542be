"""Settings for the load benchmark only (bench/web/load.py): the product's
settings with a URLconf that adds one trivial view as the reference."""

from suishin.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web.urls"
