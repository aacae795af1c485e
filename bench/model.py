"""The load model the targets come from, and the benchmark's own parameters.

National scale: about 150,000 citizens in the target group and 10,000 consultants (about 15
citizens each). At the peak hour about 2,000 meetings run at once, each with three open views
(the meeting screen and the consultant's laptop, both signed in as the consultant, and the
citizen's phone), and about 4,000 citizens have Tavle open by themselves: 10,000 open streams.
A meeting changes the board about once a minute (2,000 / 60 = 33 changes/s) and a citizen on
their own about once in five minutes (4,000 / 300 = 13/s): about 50 changes a second. A large
municipality is a tenth of it; the embedded default (SQLite, one process) is measured at the
national rate with a fifth of the streams."""

CITIZENS = 150_000
CONSULTANTS = 10_000
MEETINGS = 2_000
VIEWS_PER_MEETING = 3
ALONE = 4_000
RATE = 50.0

# national_peak: the production configuration, PostgreSQL and two uvicorn workers.
WORKERS = 2
NATIONAL_SECONDS = 60.0
NATIONAL_P50_MS = 20.0
NATIONAL_P99_MS = 100.0
KB_PER_STREAM = 50.0
# revocation_ms: network members removed one after another with their board open.
REVOCATIONS = 50
REVOCATION_P99_MS = 1000.0

# embedded: SQLite, one process, 1,000 boards with two viewers each.
EMBEDDED_BOARDS = 1_000
EMBEDDED_SECONDS = 30.0
EMBEDDED_P99_MS = 50.0
# board_page_p95_ms: board pages asked for while the embedded run goes on.
PROBE_BOARDS = 20
PAGE_PROBE_RATE = 10.0
BOARD_PAGE_P95_MS = 50.0
# floor_ratio: the bare FastAPI + SSE floor with the same streams and rate.
FLOOR_RATIO = 10.0
# saturation: the highest steady rate with p99 <= 100 ms and nothing lost, steps of 10 s.
RAMP = (50.0, 75.0, 100.0, 125.0, 150.0, 200.0, 250.0, 300.0)
RAMP_SECONDS = 10.0
SATURATION_P99_MS = 100.0
SATURATION_WRITES_PER_S = 150.0

# growth: the cost of a write and of the board page with 10, 1,000 and 10,000 citizens.
GROWTH_STEPS = (10, 1_000, 10_000)
GROWTH_ROUNDS = 4
GROWTH_SAMPLES = 50
GROWTH_RATIO = 1.2
