"""Render the Route page (the day's route beside the map) and the map without tiles, in
English and German.

``python -m fieldcrm.ui.screenshots_road --out docs/screenshots``
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from fieldcrm.ui.screenshots import (
    application,
    capture,
    close_window,
    command,
    open_window,
    sample_profile,
    settle,
)

#: The sample rep's home base (Munich) and the area the sample customers are spread over.
HOME = "48.137, 11.575"


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.demo import seed_demo
    from fieldcrm.sampledata.road import place_customers
    from fieldcrm.store import Store

    application()
    written: list[Path] = []
    # No tile server (the default): the map draws on a plain background.
    with sample_profile("road", home_base=HOME) as (profile, policy):
        store = Store(database_path(profile))
        user = seed_demo(store)
        place_customers(store, user["id"])
        store.close()
        for language in languages:
            window = open_window(profile, policy, language, user)
            window.show_page("road")
            settle(window, 400)
            window.road.stops_view.resizeColumnsToContents()
            written.append(capture(window, out / f"route-{language}.png"))
            page = window.road
            page.map.resize(900, 640)
            page.map.fit()
            page.map.select(page.stops.rows[0]["customer_id"] if page.stops.rows else None)
            path = out / f"map-no-tiles-{language}.png"
            page.map.grab().save(str(path))
            written.append(path)
            close_window(window)
    return written


if __name__ == "__main__":  # pragma: no cover
    sys.exit(command(render, __doc__))
