"""A user's change that reaches the server with the URL from before the previous run
(the browser had not yet applied the URL that run wrote: under load a click is handled
before the pending message) is not a Back / Forward: the session's widgets keep the
user's choices. The ten-session browser test lost a sidebar pick this way."""

from ecosystem import vocabulary as voc
from tests.app.pagetest import ok, page_test


def test_a_pick_sent_with_the_previous_url_keeps_every_choice():
    at = ok(page_test("pages/a_propos.py", {"terr": "departement:44"}).run())
    stale = dict(at.query_params)  # the URL the browser shows: only the territory
    actor_type, first_stage = voc.ACTOR_TYPES.codes[0], voc.STAGES.codes[0]
    ok(at.multiselect(key="w_types").set_value([actor_type]).run())
    assert at.query_params["types"] == actor_type  # this run wrote types=...
    # the next pick arrives before the browser applied that URL
    at.query_params.clear()
    at.query_params.update(stale)
    ok(at.multiselect(key="w_stages").set_value([first_stage]).run())
    assert at.multiselect(key="w_types").value == [actor_type]
    assert at.multiselect(key="w_stages").value == [first_stage]
    assert at.query_params["types"] == actor_type
    assert at.query_params["stages"] == first_stage
    assert at.query_params["terr"] == "departement:44"
