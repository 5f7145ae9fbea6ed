"""Forms' exception hierarchy: callers catch ``FormsError`` or the one case they handle."""

from __future__ import annotations

__all__ = [
    "AddressDataError",
    "DefinitionError",
    "FontMissingError",
    "FormsError",
    "UnknownFieldError",
    "UnknownFormError",
    "Xml1Error",
]


class FormsError(Exception):
    """Base of everything ``station.forms`` raises."""


class UnknownFormError(FormsError, LookupError):
    """No definition file carries this form id."""

    def __init__(self, form_id: str, known: list[str]) -> None:
        self.form_id = form_id
        self.known = known
        super().__init__(f"không có biểu mẫu «{form_id}»; các biểu mẫu có: {', '.join(known)}")


class UnknownFieldError(FormsError, LookupError):
    """A value was given for a field id (or table column) the form does not have."""

    def __init__(self, form_id: str, field_ref: str) -> None:
        self.form_id = form_id
        self.field_ref = field_ref
        super().__init__(f"biểu mẫu «{form_id}» không có trường «{field_ref}»")


class DefinitionError(FormsError):
    """A definition file is malformed: it names the file and what is wrong, so an editor can fix it."""


class FontMissingError(FormsError):
    """The Vietnamese-capable font the PDF embeds is not installed."""


class AddressDataError(FormsError):
    """The administrative-unit datasets (vietnam-provinces, vietnamadminunits) are missing or unreadable."""


class Xml1Error(FormsError):
    """A filled form cannot be exported as an XML1 fragment; ``problems`` names each field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("không xuất được XML1: " + "; ".join(problems))
