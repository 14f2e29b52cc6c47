"""Lists sort the way people read: German order, case ignored, in SQL and in the views."""

from __future__ import annotations

from pathlib import Path

from fieldcrm.app.customers import CustomerFilter, customer_detail, customer_page
from fieldcrm.store import Store

GERMAN = ["Ärztehaus", "bäckerei Kurz", "Bäckerei Schmidt", "Bauer KG", "Baumarkt Nord", "Zahn"]


def test_the_customer_list_walks_the_german_sort_key(tmp_path: Path) -> None:
    store = Store(tmp_path / "fieldcrm.db")
    for name in reversed(GERMAN):
        store.create("customer", {"name": name, "city": "Bremen"})
    rows = customer_page(store, CustomerFilter(), 0, 200)
    assert [r["name"] for r in rows] == GERMAN
    # Paging keeps the order, and a search sorts its matches the same way.
    assert [r["name"] for r in customer_page(store, CustomerFilter(), 2, 2)] == GERMAN[2:4]
    found = customer_page(store, CustomerFilter(text="ba"), 0, 200)
    assert [r["name"] for r in found] == [n for n in GERMAN if n.lower().startswith(("bä", "ba"))]
    with store.read() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM customer INDEXED BY ix_customer_sort_name "
                "WHERE deleted = 0 ORDER BY sort_name, id LIMIT 10"
            )
        )
    assert "TEMP B-TREE" not in plan  # walked in index order, not sorted
    store.close()


def test_contacts_of_a_customer_in_reading_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "fieldcrm.db")
    customer = store.create("customer", {"name": "Bauer KG"})
    for last in ("Zander", "Öztürk", "Oster", "ohm"):
        store.create("contact", {"customer_id": customer, "last_name": last})
    detail = customer_detail(store, customer)
    assert detail is not None
    assert [c["last_name"] for c in detail["contacts"]] == ["ohm", "Oster", "Öztürk", "Zander"]
    store.close()


def test_the_customer_list_search_takes_spelled_out_umlauts_and_ss(tmp_path: Path) -> None:
    store = Store(tmp_path / "fieldcrm.db")
    for name in ("Bäckerei Schmidt", "Straßenbau Müller", "Bauer KG"):
        store.create("customer", {"name": name})
    names = [r["name"] for r in customer_page(store, CustomerFilter(text="baeckerei"), 0, 50)]
    assert names == ["Bäckerei Schmidt"]
    names = [r["name"] for r in customer_page(store, CustomerFilter(text="strassenb mue"), 0, 50)]
    assert names == ["Straßenbau Müller"]
    store.close()


def test_overdue_customers_on_today_never_visited_first_in_reading_order(
    tmp_path: Path,
) -> None:
    from datetime import UTC, date, datetime, timedelta

    from fieldcrm.app.visits import today_overview
    from fieldcrm.sampledata.demo import seed_user

    store = Store(tmp_path / "fieldcrm.db")
    rep = seed_user(store)["id"]
    now = datetime.now(UTC).replace(microsecond=0)
    ids = {}
    for name in reversed(GERMAN):
        ids[name] = store.create("customer", {"name": name, "visit_cadence_days": 30})
    store.create("customer", {"name": "Aal ohne Rhythmus"})  # no cadence: never overdue
    # Visited long ago (overdue, the older first), recently (not overdue), or only planned.
    for name, days in (("Zahn", 90), ("Bauer KG", 60), ("Baumarkt Nord", 5)):
        store.create(
            "visit",
            {
                "customer_id": ids[name],
                "rep_id": rep,
                "planned_start": now - timedelta(days=days),
                "status": "done",
            },
        )
    store.create("visit", {"customer_id": ids["Ärztehaus"], "rep_id": rep, "planned_start": now})
    overdue = [c["name"] for c in today_overview(store, None, date.today())["overdue_customers"]]
    assert overdue == ["Ärztehaus", "bäckerei Kurz", "Bäckerei Schmidt", "Zahn", "Bauer KG"]
    store.close()
