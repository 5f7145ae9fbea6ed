"""The fuzz tests share their targets and seed builders with the atheris harnesses in ``bench/``
(importable because pytest puts the repository root on ``sys.path``: ``pythonpath`` in pyproject)."""
