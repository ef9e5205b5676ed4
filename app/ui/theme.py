"""Light and dark: Recap follows the system's colour scheme, and View › Appearance can force one.

Qt reports the desktop's scheme (`QStyleHints.colorScheme`, from GNOME/KDE/Windows/macOS) and changes it live;
where a platform reports nothing (a bare X11 session, offscreen), the system choice means light. Recap's own
widgets draw with palette roles only, so one palette switch restyles everything. The dark palette is Fusion's
usual dark set, written out here because Fusion only builds it itself when the platform asks for dark.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

CHOICES = ("system", "light", "dark")


def dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#333333",
        QPalette.ColorRole.ToolTipBase: "#3c3c3c",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8c8c8c",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Light: "#4a4a4a",
        QPalette.ColorRole.Midlight: "#404040",
        QPalette.ColorRole.Mid: "#5a5a5a",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.Highlight: "#3d7ab8",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7fb4ea",
        QPalette.ColorRole.LinkVisited: "#b48ee6",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return p


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


class Theme(QObject):
    """Applies the chosen appearance and follows the system's while the choice is "system"."""

    changed = Signal(bool)  # dark?

    def __init__(self, app: QApplication, choice: str = "system") -> None:
        super().__init__(app)
        self.app = app
        self.light = app.style().standardPalette()  # the style's own light palette, to go back to
        self.choice = choice if choice in CHOICES else "system"
        self.dark = False
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: self.apply())
        self.apply()

    def set_choice(self, choice: str) -> None:
        self.choice = choice if choice in CHOICES else "system"
        self.apply()

    def apply(self) -> None:
        dark = self.choice == "dark" or (self.choice == "system" and system_is_dark())
        if dark and self.choice == "system":
            # the platform is dark: its own palette already is (Fusion builds it), unless it kept a light one
            pal = self.app.style().standardPalette()
            dark_enough = pal.color(QPalette.ColorRole.Window).lightness() < 128
            self.app.setPalette(pal if dark_enough else dark_palette())
        else:
            self.app.setPalette(dark_palette() if dark else self.light)
        self.dark = dark
        self.changed.emit(dark)
