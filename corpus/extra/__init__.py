"""More real policy versions, used by the tests."""
