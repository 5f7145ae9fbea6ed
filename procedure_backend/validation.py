"""Checks a submission's values against the station's own form definitions.

The backend validates with the very code the station used (``station.forms``), so a form that passed
at the counter cannot fail here for a different reading of the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["FieldError", "validate_submission"]


@dataclass(frozen=True)
class FieldError:
    loc: tuple[str, ...]
    message: str
    code: str

    def to_json(self) -> dict[str, Any]:
        return {"loc": ["body", *self.loc], "msg": self.message, "type": self.code}


def validate_submission(form_id: str, form_version: str, values: dict[str, Any]) -> list[FieldError]:
    from station.forms import UnknownFormError, get_form, validate

    try:
        form = get_form(form_id)
    except UnknownFormError:
        return [FieldError(("form_id",), f"Không có biểu mẫu '{form_id}'.", "unknown_form")]
    expected_version = getattr(form, "version", None)
    if expected_version is not None and str(expected_version) != form_version:
        return [
            FieldError(
                ("form_version",),
                f"Phiên bản biểu mẫu '{form_version}' không khớp phiên bản hiện hành '{expected_version}'.",
                "form_version_mismatch",
            )
        ]
    return [FieldError(("values", issue.field_id), issue.message_vi, issue.code) for issue in validate(form, values)]
