"""Property-based fuzzing of both APIs against a live server.

``make test`` runs a reproducible pass: the examples are derandomized, so the same code gets
the same cases on every machine and an unrelated change cannot fail by chance. Every failure
ever found is kept in ``regressions.py`` and replayed first. ``make fuzz`` explores widely
with fresh random cases and many more of them; run it before you finish a change, and add
what it finds to ``regressions.py``.
"""

import os

from hypothesis import HealthCheck, settings

WIDE = os.environ.get("MENTOR_FUZZ") == "wide"

FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("MENTOR_FUZZ_EXAMPLES", "150" if WIDE else "25")),
    derandomize=not WIDE,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Seconds a fuzzed request may take. Schemathesis gives up after 10 s, which a loaded 2-core
# machine running the suite on two databases can exceed: the fuzzers judge answers, and
# timings are for the benchmarks (bench/), so a slow answer is waited for.
REQUEST_TIMEOUT = 120
