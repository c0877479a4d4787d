"""What the routes share: the settings, the one ``Extractor``, the job store and runner, the
metrics; and the checks several routes make."""

from __future__ import annotations

import asyncio
import contextlib

import httpx2

from extractor.api import Extractor
from extractor.config import Backend, ExtractorConfig
from extractor.errors import ExtractorError
from extractor.service.auth import TokenCheck
from extractor.service.metrics import ServiceMetrics
from extractor.service.problems import ModelUnavailable, NotFound, TooLarge
from extractor.service.redact import redact
from extractor.service.settings import ServiceSettings
from extractor.service.store import JobState, JobStore
from extractor.service.worker import JobRunner

__all__ = ["Service"]

_READY_TIMEOUT = 5.0


class Service:
    """One server's state (``app.state.service``)."""

    def __init__(
        self, settings: ServiceSettings, config: ExtractorConfig, metrics: ServiceMetrics
    ) -> None:
        self.settings = settings
        self.config = config
        self.tokens = TokenCheck(settings.tokens)
        self.secrets = tuple(s for s in (*settings.tokens, config.api_key) if s)
        self.metrics = metrics
        self.extractor = Extractor(config)
        self.store = JobStore(config.home / "service.sqlite")
        self.runner = JobRunner(
            self.extractor,
            self.store,
            self.metrics,
            settings.limits,
            grace=settings.shutdown_grace,
            redact=self.redact,
            ready=self.ready,
        )
        self.extracts = 0
        """``/v1/extract`` requests in progress."""

    def redact(self, text: str) -> str:
        """``text`` with every token and API key replaced by ``***``."""
        return redact(text, self.secrets)

    def job(self, job_id: str) -> JobState:
        state = self.store.get(job_id)
        if state is None:
            raise NotFound(f"no job {job_id!r}")
        return state

    def check_text(self, text: str, doc_id: str | None = None) -> None:
        limit = self.settings.limits.max_document_chars
        if len(text) > limit:
            which = "the text" if doc_id is None else f"document {doc_id!r}"
            raise TooLarge(f"{which} has {len(text)} characters; the limit is {limit}")

    async def ready(self) -> tuple[str, str]:
        """The model name and mode, once the model can be used; ``ModelUnavailable`` else."""
        try:
            model, mode = await asyncio.wait_for(self.extractor.asetup(), _READY_TIMEOUT)
            if self.config.effective_backend is Backend.ENDPOINT and not self.config.replay:
                await _reach(self.config.base_url or "")
        except ExtractorError as e:
            raise ModelUnavailable(self.redact(str(e)), headers={"retry-after": "10"}) from e
        except (OSError, TimeoutError) as e:
            reason = f"{self.config.base_url}: unreachable ({e or type(e).__name__})"
            raise ModelUnavailable(self.redact(reason), headers={"retry-after": "10"}) from e
        return model, mode

    async def aclose(self) -> None:
        await self.runner.stop()
        await self.extractor.aclose()
        self.store.close()


async def _reach(base_url: str) -> None:
    """Open (and close) a TCP connection to the endpoint, or raise ``OSError``."""
    url = httpx2.URL(base_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    _, writer = await asyncio.wait_for(asyncio.open_connection(url.host, port), _READY_TIMEOUT)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
