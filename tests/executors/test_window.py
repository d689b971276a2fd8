"""The ordered, bounded window every executor maps through."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.executors.base import ordered_window


class Recorder:
    """Counts items read from the input, submitted and collected, and the most in flight."""

    def __init__(self) -> None:
        self.read = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.read_ahead = 0
        self.collected = 0

    def items(self, n: int):
        for i in range(n):
            self.read += 1
            self.read_ahead = max(self.read_ahead, self.read - self.collected)
            yield i

    def submit(self, item: int) -> tuple[str, int]:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        return ("handle", item)

    def collect(self, handle: tuple[str, int]) -> int:
        self.in_flight -= 1
        self.collected += 1
        return handle[1] * 10


@given(n=st.integers(0, 200), window=st.integers(1, 20))
def test_results_come_in_input_order_with_at_most_window_in_flight(n: int, window: int) -> None:
    rec = Recorder()
    assert list(ordered_window(rec.items(n), rec.submit, rec.collect, window)) == [i * 10 for i in range(n)]
    assert rec.most_in_flight <= window
    assert rec.read_ahead <= window
    assert rec.in_flight == 0


def test_nothing_is_read_before_the_first_result_is_asked_for() -> None:
    rec = Recorder()
    results = ordered_window(rec.items(100), rec.submit, rec.collect, 4)
    assert rec.read == 0
    assert next(results) == 0
    assert rec.read == 4 and rec.collected == 1


def test_the_window_must_hold_one_item() -> None:
    with pytest.raises(ValueError, match="window must be at least 1"):
        list(ordered_window([1], lambda x: x, lambda x: x, 0))


def test_every_executor_maps_through_the_window(tmp_path) -> None:
    from cleaner.executors import LocalExecutor, SerialExecutor

    with SerialExecutor(lambda: None, ()) as serial:
        assert list(serial.map(abs, [-1, 2, -3])) == [1, 2, 3]
    with LocalExecutor(2, _no_setup, (), tmp_path / "spool", window=3) as pool:
        assert list(pool.map(abs, range(-20, 0))) == list(range(20, 0, -1))
        assert pool.run_one(abs, -7) == 7


def _no_setup() -> None:
    return None
