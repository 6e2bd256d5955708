"""IPipeValidation, the data-pipeline interface of ckanext-validation that ckanext-xloader listens
on. When ckanext-validation is installed its interface is used (so xloader, which implements it,
receives sharecheck's verdicts); otherwise an identical one, for other listeners."""
from __future__ import annotations

try:
    from ckanext.validation.interfaces import IPipeValidation  # noqa: F401
except ImportError:
    from ckan.plugins.interfaces import Interface

    class IPipeValidation(Interface):  # type: ignore[no-redef]
        """Receives a report {"resource_id", "status": "success" | "failure", ...} per checked resource."""

        def receive_validation_report(self, validation_report):
            pass
