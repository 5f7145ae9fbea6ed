"""Form definitions found as TOML files in ``definitions/``: adding a procedure adds a file.

``STATION_FORMS_DIR`` (an extra directory, read after the built-in one) lets a deployment
ship its own procedures without touching the package; a file there with a built-in id
replaces the built-in definition.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from station.forms.errors import DefinitionError, UnknownFormError
from station.forms.model import FieldDef, FormDefinition
from station.forms.prefill import COMPUTATIONS, IDENTITY_SOURCES

__all__ = ["BUILTIN_DIR", "get_form", "list_forms", "load_definition"]

BUILTIN_DIR = Path(__file__).with_name("definitions")


def load_definition(path: Path) -> FormDefinition:
    """Read one definition file; a mistake in it is reported with the file name."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path.name}: không đọc được tệp định nghĩa: {exc}") from exc
    try:
        form = FormDefinition.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(f"{path.name}: định nghĩa biểu mẫu sai: {exc}") from exc
    for field in _all_fields(form.fields):
        if field.prefill is not None and field.prefill not in IDENTITY_SOURCES:
            raise DefinitionError(f"{path.name}: trường «{field.id}»: nguồn điền sẵn «{field.prefill}» không có")
        if field.compute is not None and field.compute not in COMPUTATIONS:
            raise DefinitionError(f"{path.name}: trường «{field.id}»: phép tính «{field.compute}» không có")
    if form.id != path.stem:
        raise DefinitionError(f"{path.name}: id «{form.id}» phải trùng tên tệp «{path.stem}»")
    return form


def _all_fields(fields: list[FieldDef]) -> list[FieldDef]:
    return [f for field in fields for f in (field, *_all_fields(field.columns))]


def _directories() -> list[Path]:
    dirs = [BUILTIN_DIR]
    extra = os.environ.get("STATION_FORMS_DIR")
    if extra:
        dirs.append(Path(extra))
    return dirs


@cache
def _load_all(directories: tuple[Path, ...]) -> dict[str, FormDefinition]:
    forms: dict[str, FormDefinition] = {}
    for directory in directories:
        for path in sorted(directory.glob("*.toml")):
            form = load_definition(path)
            forms[form.id] = form
    return forms


def _forms() -> dict[str, FormDefinition]:
    return _load_all(tuple(_directories()))


def list_forms() -> list[FormDefinition]:
    return list(_forms().values())


def get_form(form_id: str) -> FormDefinition:
    forms = _forms()
    try:
        return forms[form_id]
    except KeyError:
        raise UnknownFormError(form_id, sorted(forms)) from None
