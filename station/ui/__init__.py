"""The station's Qt (PySide6) application: card tap → identity → form → outbox, Vietnamese first.

Entry points: :func:`station.ui.app.run` (the window, used by ``station demo``) and
:class:`station.ui.main_window.MainWindow` (what tests and the self-test drive). Importing this
package does not import Qt; the modules below do.
"""
