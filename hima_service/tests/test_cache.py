"""The cache answers a miss while Redis is unreachable, and stops asking it for a few seconds."""

import logging

from hima_service.cache import ResilientRedisCache

NOBODY = "redis://127.0.0.1:6390/0"  # a port nothing of this project listens on


def test_an_unreachable_redis_is_a_miss_and_is_not_asked_again_at_once(caplog):
    cache = ResilientRedisCache(NOBODY, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    with caplog.at_level(logging.WARNING, logger="hima_service.cache"):
        assert cache.get("throttle", default=[]) == []
        cache.set("throttle", [1.0], 60)
        assert cache.add("key", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1}) == ["a"]
        assert cache.delete("key") is False
    # One failure logged; the calls after it, inside the skip window, never reached Redis.
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1
    assert messages[0].startswith("Cache unavailable (ConnectionError")
