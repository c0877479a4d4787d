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

from extractor.distributed._actor import ROW_SCHEMA, DocumentExtractor
from extractor.distributed._cluster import LOCAL, LOOPBACK, ray_session
from extractor.distributed._dataset import documents_dataset, extract_dataset
from extractor.distributed._options import RayOptions
from extractor.distributed._run import RayJobFailed, run_on_ray

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
