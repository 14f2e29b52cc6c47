"""Test configuration shared by every suite."""

from __future__ import annotations

import os

# Qt tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
