"""Record models: the single source of truth for the record format (annotation guide v1.1)."""

from extractor.records.document import (
    FORMAT_VERSION,
    Annotation,
    DocumentRecord,
    EnterpriseRole,
    Indicator,
    IndicatorFields,
    Project,
    ProjectFields,
    Role,
    RoleFields,
    RunMeta,
    Status,
    Usage,
)
from extractor.records.values import Basis, Change, ChangeUnit, Evidence, Money, Qualifier, Quantity

__all__ = [
    "FORMAT_VERSION",
    "Annotation",
    "Basis",
    "Change",
    "ChangeUnit",
    "DocumentRecord",
    "EnterpriseRole",
    "Evidence",
    "Indicator",
    "IndicatorFields",
    "Money",
    "Project",
    "ProjectFields",
    "Qualifier",
    "Quantity",
    "Role",
    "RoleFields",
    "RunMeta",
    "Status",
    "Usage",
]
