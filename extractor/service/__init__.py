"""``extract serve``: an HTTP API over the library (FastAPI on uvicorn), with durable jobs.

Needs the ``service`` extra (``pip install 'extractor[service]'``).
"""

from extractor.service.app import create_app, serve
from extractor.service.settings import Limits, ServiceSettings

__all__ = ["Limits", "ServiceSettings", "create_app", "serve"]
