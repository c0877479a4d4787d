"""The metering proxy: it passes answers through and measures calls, tokens and model-wait."""

from __future__ import annotations

import threading

import httpx
import pytest
from fakes.openai_server import Reply, Seen, chat_completion, error_body, running_fake

from benchmarks.meter import Call, Meter


def _call(start: float, end: float) -> Call:
    return Call(start, end, 200, 0, 0)


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], 0.0),
        ([(0, 2)], 2.0),
        ([(0, 2), (1, 3), (5, 6)], 4.0),  # overlap counted once, the gap not at all
        ([(1, 3), (0, 10)], 10.0),  # a call inside another adds nothing
        ([(0, 1), (1, 2)], 2.0),
    ],
)
def test_model_wait_is_the_union_of_open_calls(
    spans: list[tuple[float, float]], expected: float
) -> None:
    meter = Meter("http://127.0.0.1:9/v1")
    meter.calls.extend(_call(s, e) for s, e in spans)
    assert meter.model_wait() == pytest.approx(expected)


def test_proxy_passes_answers_through_and_counts_tokens() -> None:
    with running_fake() as fake, Meter(fake.base_url) as meter:
        fake.script(
            lambda seen: chat_completion(seen, {"a": 1}, prompt_tokens=11, completion_tokens=7),
            Reply(error_body(500, "boom"), status=500),
        )
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        ok = httpx.post(f"{meter.base_url}/chat/completions", json=body, timeout=10)
        bad = httpx.post(f"{meter.base_url}/chat/completions", json=body, timeout=10)
        models = httpx.get(f"{meter.base_url}/models", timeout=10)
    assert ok.json()["choices"][0]["message"]["content"] == '{"a": 1}'
    assert bad.status_code == 500
    assert models.json()["data"][0]["id"] == "fake-model"
    assert [(c.status, c.prompt_tokens, c.completion_tokens) for c in meter.calls] == [
        (200, 11, 7),
        (500, 0, 0),
    ]  # GET /models is not a model call
    assert fake.chat_requests[0].body == body


def test_concurrent_calls_overlap_in_model_wait() -> None:
    def slow(seen: Seen) -> Reply:
        reply = chat_completion(seen, {})
        reply.delay = 0.4
        return reply

    with running_fake(slow) as fake, Meter(fake.base_url) as meter:
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        threads = [
            threading.Thread(
                target=httpx.post,
                args=(f"{meter.base_url}/chat/completions",),
                kwargs={"json": body, "timeout": 10},
            )
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(meter.calls) == 3
    assert fake.max_in_flight == 3
    total = sum(c.end - c.start for c in meter.calls)
    assert 0.4 <= meter.model_wait() < total * 0.6
