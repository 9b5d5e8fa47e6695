"""The arena-day benchmark's settings: Leitai's own, on a Redis channel of its own.

Pub/sub channels are shared by every database number of a Redis server, so a benchmark on the
default channel would hear (and disturb) any other Leitai or test run using the same Redis.
"""

from leitai.settings import *  # noqa: F403

LIVE_REDIS_CHANNEL = "leitai:live:bench-arena-day"
