"""Compiled translations (.qm) of the desktop app; sources in resources/translations/."""
