"""The worker's periodic health check: stored health, and `pair.at_risk` on the change."""

import asyncio

from app.domain.integrations.worker import Worker
from app.domain.progress.health_check import check_pair_health
from tests.api.pairs_support import PAIRS, age_logs, backdate_pair, make_pair
from tests.api.programs_support import events_of
from tests.conftest import Tenant


async def test_health_check_announces_a_pair_becoming_at_risk_once(tenant: Tenant) -> None:
    quiet = await make_pair(tenant, cadence_days=7)
    busy = await make_pair(tenant, program=quiet.program, manager=quiet.manager)
    await backdate_pair(tenant, quiet.pair["id"], days=30)
    assert (await busy.log()).status_code == 201
    factory = tenant.app.state.session_factory

    # Several workers at once announce it once.
    await asyncio.gather(*(check_pair_health(factory) for _ in range(3)))
    await check_pair_health(factory)
    assert (await quiet.refresh())["health"] == "at_risk"
    assert quiet.pair["health_checked_at"] is not None
    assert (await busy.refresh())["health"] == "on_track"
    at_risk = await events_of(tenant, quiet.pair["id"], "pair.at_risk")
    assert len(at_risk) == 1
    assert at_risk[0].data["progress"]["health"] == "at_risk"
    assert await events_of(tenant, busy.pair["id"], "pair.at_risk") == []
    listed = await tenant.client.get(PAIRS, params={"health": "at_risk"}, headers=quiet.manager)
    assert [p["id"] for p in listed.json()["items"]] == [quiet.pair["id"]]

    # A session brings it back on track; falling behind again is announced again.
    assert (await quiet.log()).status_code == 201
    await check_pair_health(factory)
    assert (await quiet.refresh())["health"] == "on_track"
    await backdate_pair(tenant, quiet.pair["id"], days=0)
    await age_logs(tenant, quiet.pair["id"], days=20)
    await Worker(factory).run_once()
    assert (await quiet.refresh())["health"] == "at_risk"
    assert len(await events_of(tenant, quiet.pair["id"], "pair.at_risk")) == 2

    # An ended pair has no health.
    await quiet.move("completed")
    await check_pair_health(factory)
    assert (await quiet.refresh())["health"] is None


async def test_health_check_leaves_the_pair_version_alone(tenant: Tenant) -> None:
    setup = await make_pair(tenant, cadence_days=7)
    await backdate_pair(tenant, setup.pair["id"], days=30)
    before = (await setup.refresh())["version"]
    await check_pair_health(tenant.app.state.session_factory)
    after = await setup.refresh()
    assert after["health"] == "at_risk"
    # A client holding the pair's ETag can still change it.
    assert after["version"] == before
