"""Scale-out: the same extraction on a Ray cluster, for corpora one machine cannot finish.

Needs the ``ray`` extra (``pip install 'extractor[ray]'``). Documents are spread with Ray Data
over a pool of actors, each holding one ``Extractor`` on one endpoint of a list; see
``docs/scale-out.md``.

    from extractor.distributed import RayOptions, extract_dataset, ray_session

    with ray_session("auto"):
        rows = extract_dataset(["articles/"], base_url="http://gpu1:8000/v1,http://gpu2:8000/v1")
        rows.write_parquet("records.parquet")

``extract run DOCS -o OUT --ray [ADDRESS]`` runs ``run_on_ray``: the same output file, errors
file and exit codes as a single-machine run.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.distributed._actor import ROW_SCHEMA, DocumentExtractor
    from extractor.distributed._cluster import LOCAL, LOOPBACK, ray_session
    from extractor.distributed._dataset import documents_dataset, extract_dataset
    from extractor.distributed._options import RayOptions
    from extractor.distributed._run import RayJobFailed, run_on_ray

# Loaded on first use: the CLI imports this package for its --ray flag, and Ray and pyarrow
# (the ray extra) must be neither needed nor paid for by a run without --ray.
_LAZY = {
    "ROW_SCHEMA": "_actor",
    "DocumentExtractor": "_actor",
    "LOCAL": "_cluster",
    "LOOPBACK": "_cluster",
    "ray_session": "_cluster",
    "documents_dataset": "_dataset",
    "extract_dataset": "_dataset",
    "RayOptions": "_options",
    "RayJobFailed": "_run",
    "run_on_ray": "_run",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"extractor.distributed.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'extractor.distributed' has no attribute {name!r}")


__all__ = [
    "LOCAL",
    "LOOPBACK",
    "ROW_SCHEMA",
    "DocumentExtractor",
    "RayJobFailed",
    "RayOptions",
    "documents_dataset",
    "extract_dataset",
    "ray_session",
    "run_on_ray",
]
