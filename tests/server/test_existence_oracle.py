"""A customer of another territory and an id the server never saw get the same answer."""

from __future__ import annotations

from fieldcrm.domain.ids import uuid7
from tests.helpers.server_env import ServerEnv, customer_fields


def test_existence_oracle_foreign_customer_answers_like_an_unknown_id(env: ServerEnv) -> None:
    env.setup_area()
    wim, anna = env.session("wim"), env.session("anna")
    foreign_id, _ = wim.create("customer", customer_fields("Fischerei West"))
    unknown_id = uuid7()

    def answer(row_id: str, op: str) -> dict:
        fields = {} if op == "delete" else {"name": "Probe"}
        (result,) = anna.push(anna.entry("customer", op, row_id, fields))
        return {k: v for k, v in result.items() if k != "op_no"}

    assert answer(foreign_id, "update") == answer(unknown_id, "update")
    assert answer(foreign_id, "update")["status"] == "rejected"
    assert "no customer with this id" in answer(foreign_id, "update")["reason"]
    # A delete of an unknown id is a no-op ("applied"); a delete of a row of another
    # territory is refused (acknowledging it would lose it), in the same words as an
    # update of an unknown id.
    deleted = answer(foreign_id, "delete")
    assert deleted["status"] == "rejected"
    assert deleted["reason"] == answer(unknown_id, "update")["reason"]
    wim.sync()
    assert wim.rows[("customer", foreign_id)]["fields"]["name"] == "Fischerei West"
