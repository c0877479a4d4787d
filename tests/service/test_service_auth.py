"""Bearer tokens: on and off, from the environment or a file; a server without tokens only
listens on loopback; tokens and API keys never reach logs, the database or error bodies."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.articles import ARTICLES, good_model
from fakes.openai_server import FakeOpenAI, Reply, Seen, error_body, running_fake
from typer.testing import CliRunner

from extractor.cli.extract import app
from extractor.errors import ConfigError
from extractor.service import ServiceSettings
from service.service_kit import ServeApp, finished, wait_for_job

TOKENS = ("token-alpha-0123456789", "token-beta-9876543210")
API_KEY = "sk-upstream-SECRET-42"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(good_model) as server:
        yield server


def test_with_tokens_every_v1_route_needs_one(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    server = serve_app(fake.base_url, tokens=TOKENS)
    with server.client() as anonymous, server.client("wrong-token") as wrong:
        refused = [
            anonymous.post("/v1/extract", json={"text": "x"}),
            anonymous.post("/v1/jobs", json=[{"id": "a", "text": "x"}]),
            anonymous.get("/v1/jobs/any"),
            anonymous.get("/v1/jobs/any/results"),
            anonymous.delete("/v1/jobs/any"),
            wrong.post("/v1/extract", json={"text": "x"}),
            anonymous.post("/v1/extract", headers={"authorization": "Basic dXNlcjpwYXNz"}),
        ]
        open_routes = [anonymous.get(p) for p in ("/healthz", "/readyz", "/metrics")]
        spec = anonymous.get("/openapi.json").json()
    for response in refused:
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:extractor:problem:unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert [r.status_code for r in open_routes] == [200, 200, 200]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for token in TOKENS:
        with server.client(token) as client:
            assert client.post("/v1/extract", json={"text": ARTICLES["ningbo"]}).status_code == 200


def test_without_tokens_no_header_is_needed(serve_app: ServeApp, fake: FakeOpenAI) -> None:
    with serve_app(fake.base_url).client() as client:
        assert client.post("/v1/extract", json={"text": ARTICLES["ningbo"]}).status_code == 200
        assert client.get("/v1/jobs/none").status_code == 404


def test_tokens_come_from_the_environment_then_a_file(tmp_path: Path) -> None:
    file = tmp_path / "tokens"
    file.write_text("# the ops team\nfile-token-1\n\n  file-token-2  \n", encoding="utf-8")
    from_env = ServiceSettings.resolve(env={"EXTRACTOR_SERVER_TOKENS": "a1, b2,,"})
    from_file = ServiceSettings.resolve(env={"EXTRACTOR_SERVER_TOKENS_FILE": str(file)})
    explicit_file = ServiceSettings.resolve(tokens_file=file, env={})
    argument = ServiceSettings.resolve(tokens=["x9"], env={"EXTRACTOR_SERVER_TOKENS": "a1"})
    assert from_env.tokens == ("a1", "b2")
    assert from_file.tokens == explicit_file.tokens == ("file-token-1", "file-token-2")
    assert argument.tokens == ("x9",)
    assert "a1" not in repr(from_env)
    empty = tmp_path / "empty"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds no token"):
        ServiceSettings.resolve(tokens_file=empty, env={})


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_without_tokens_only_loopback_is_allowed(host: str) -> None:
    with pytest.raises(ConfigError, match=f"refusing to listen on {host} without auth"):
        ServiceSettings.resolve(host=host, env={})
    assert ServiceSettings.resolve(host=host, env={"EXTRACTOR_SERVER_TOKENS": "t"}).auth
    for loopback in ("127.0.0.1", "::1", "localhost"):
        assert not ServiceSettings.resolve(host=loopback, env={}).auth


def test_extract_serve_refuses_a_public_address_without_tokens(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--host", "0.0.0.0", "--replay", "--home", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0 without authentication" in result.output
    assert "EXTRACTOR_SERVER_TOKENS" in result.output


def leaky_endpoint(seen: Seen) -> Reply:
    """An endpoint that echoes the API key it was sent in its error message."""
    sent = seen.headers.get("authorization", "")
    return Reply(error_body(500, f"upstream broke; you sent {sent}"), status=500)


def test_tokens_and_api_keys_never_reach_logs_database_or_error_bodies(
    serve_app: ServeApp, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="instructor")  # it logs the upstream's error
    home = tmp_path / "home"
    with running_fake(leaky_endpoint) as fake:
        server = serve_app(fake.base_url, tokens=TOKENS, api_key=API_KEY, home=home)
        with server.client(TOKENS[0]) as client, server.client(TOKENS[1] + "x") as wrong:
            extract = client.post("/v1/extract", json={"text": ARTICLES["ningbo"]})
            job_id = client.post("/v1/jobs", json=[{"id": "a", "text": "x"}]).json()["id"]
            job = wait_for_job(client, job_id, finished)
            errors = client.get(f"/v1/jobs/{job_id}/results", params={"errors": 1}).text
            refused = wrong.get(f"/v1/jobs/{job_id}")
        assert any(API_KEY in r.headers.get("authorization", "") for r in fake.requests)
    assert extract.status_code == 503
    assert "you sent Bearer ***" in extract.json()["detail"]  # the upstream's echo, redacted
    assert "you sent Bearer ***" in caplog.text  # and so it is in the log
    assert refused.status_code == 401
    stored = b"".join(p.read_bytes() for p in home.glob("service.sqlite*"))
    exposed = [extract.text, str(job), errors, refused.text, caplog.text]
    for secret in (API_KEY, *TOKENS):
        assert secret.encode() not in stored
        for text in exposed:
            assert secret not in text
