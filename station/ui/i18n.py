"""Qt translations: Vietnamese is the source language; English comes from ``translations/*.ts``.

The ``.ts`` files are the committed source; the ``.qm`` Qt loads is built from them with
PySide6's ``pyside6-lrelease`` into the user cache (never into the source tree), and rebuilt
when the ``.ts`` is newer. ``python -m station.ui.i18n`` builds them ahead of time.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import platformdirs

__all__ = ["LANGUAGES", "TranslationError", "build_qm", "install_translation", "ts_path"]

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
_TS_DIR = Path(__file__).with_name("translations")


class TranslationError(RuntimeError):
    """A translation could not be built or loaded (lrelease missing, broken .ts)."""


def ts_path(language: str) -> Path:
    return _TS_DIR / f"station_{language}.ts"


def _lrelease() -> str:
    candidates = [Path(sys.executable).with_name("pyside6-lrelease"), Path(sys.executable).with_name("lrelease")]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if found is None:
        raise TranslationError("pyside6-lrelease not found (it ships with PySide6)")
    return found


def build_qm(language: str, out_dir: Path | None = None) -> Path:
    source = ts_path(language)
    if not source.is_file():
        raise TranslationError(f"no translation source {source.name}")
    out_dir = out_dir or Path(platformdirs.user_cache_dir("cccd-station")) / "i18n"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"station_{language}.qm"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    result = subprocess.run(
        [_lrelease(), "-silent", str(source), "-qm", str(target)], capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0 or not target.exists():
        raise TranslationError(f"lrelease failed: {result.stderr.strip() or result.stdout.strip()}")
    return target


def install_translation(app: object, language: str) -> object | None:
    """Load and install ``language`` on the QApplication; returns the QTranslator (keep it alive)."""
    if language == "vi":
        return None
    from PySide6.QtCore import QCoreApplication, QTranslator

    translator = QTranslator()
    qm = build_qm(language)
    if not translator.load(str(qm)):
        raise TranslationError(f"Qt could not load {qm.name}")
    assert isinstance(app, QCoreApplication)
    app.installTranslator(translator)
    return translator


if __name__ == "__main__":
    for lang in LANGUAGES[1:]:
        print(build_qm(lang))
