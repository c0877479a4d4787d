"""Prometheus metrics of one server (a registry of its own, so apps never share counters)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from extractor.records import DocumentRecord

__all__ = ["ServiceMetrics"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class ServiceMetrics:
    """Requests, documents, model usage, queue depth and latencies."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "extractor_http_requests",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=r,
        )
        self.request_seconds = Histogram(
            "extractor_http_request_seconds",
            "HTTP request latency by route template.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.documents = Counter(
            "extractor_documents",
            "Documents extracted, by source (extract or job) and outcome (done or failed).",
            ["source", "outcome"],
            registry=r,
        )
        self.document_seconds = Histogram(
            "extractor_document_seconds",
            "Time to extract one document.",
            ["source"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.model_calls = Counter(
            "extractor_model_calls", "Model calls (re-asks included).", registry=r
        )
        self.cache_hits = Counter(
            "extractor_cache_hits", "Model requests served by the response cache.", registry=r
        )
        self.prompt_tokens = Counter("extractor_prompt_tokens", "Prompt tokens.", registry=r)
        self.completion_tokens = Counter(
            "extractor_completion_tokens", "Completion tokens.", registry=r
        )
        self.cached_prompt_tokens = Counter(
            "extractor_cached_prompt_tokens",
            "Prompt tokens the model server reused from its prompt-prefix cache.",
            registry=r,
        )
        self.queue_depth = Gauge("extractor_queue_depth", "Jobs waiting to run.", registry=r)
        self.running_jobs = Gauge("extractor_running_jobs", "Jobs running.", registry=r)

    def document(self, source: str, record: DocumentRecord | None, seconds: float) -> None:
        """Count one finished (``record``) or failed (``None``) document."""
        self.documents.labels(source, "failed" if record is None else "done").inc()
        self.document_seconds.labels(source).observe(seconds)
        if record is not None and record.meta is not None and record.meta.usage is not None:
            usage = record.meta.usage
            self.model_calls.inc(usage.calls)
            self.cache_hits.inc(usage.cache_hits)
            self.prompt_tokens.inc(usage.prompt_tokens)
            self.completion_tokens.inc(usage.completion_tokens)
            self.cached_prompt_tokens.inc(usage.cached_prompt_tokens)

    def render(self) -> bytes:
        return generate_latest(self.registry)
