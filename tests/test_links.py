"""The one actor-profile link: language and inventory kept when a new tab needs them."""

from ecosystem.render.links import actor_profile


def test_default_language_and_inventory_are_left_out():
    assert actor_profile("fr", "Démo", "Démo") == "acteur?actor="


def test_language_and_inventory_kept_and_percent_encoded():
    assert actor_profile("en", "Mon inventaire & co", "Démo") == \
        "acteur?lang=en&inv=Mon%20inventaire%20%26%20co&actor="
    assert actor_profile("fr", "a=b?c#d", "Démo") == "acteur?inv=a%3Db%3Fc%23d&actor="


def test_an_inventory_when_the_store_has_no_default():
    assert actor_profile("en", "X", None) == "acteur?lang=en&inv=X&actor="


def test_actor_link_keeps_the_territory_and_filters():
    """Issue 17 item 4: the card opens on the same territory (and level, filters)."""
    assert actor_profile("fr", "Démo", "Démo", {"terr": "departement:44", "level": "epci"}) == \
        "acteur?terr=departement%3A44&level=epci&actor="
    # the view never overrides the language, inventory or actor
    assert actor_profile("en", "Démo", "Démo", {"lang": "fr", "actor": "A1"}) == "acteur?lang=en&actor="


def test_map_position_round_trip_and_refusals():
    from ecosystem.render.links import parse_position, position_param
    assert position_param(47.21804, -1.55362, 9) == "47.218,-1.5536,9"
    assert position_param(43.5, 3.25, 7.5) == "43.5,3.25,7.5"
    assert parse_position("47.2180,-1.5536,9") == (47.218, -1.5536, 9.0)
    for bad in (None, "", "47,2", "a,b,c", "91,0,5", "0,181,5", "0,0,25", "nan,0,5", "1,2,3,4"):
        assert parse_position(bad) is None, bad


def test_fit_position_of_a_box():
    from ecosystem.render.links import fit_position
    # Loire-Atlantique's box (about 1.9° of longitude): zoom 8 on a 900 px map
    # (900 × 360 / (256 × 1.9) = 666 → log2 = 9.4; latitude 0.95° at 47°: 620 px →
    # y-span 0.0243 rad → 620 × 2π / (256 × 0.0243) = 626 → log2 = 9.3) → 9
    lat, lng, zoom = fit_position(46.86, -2.56, 47.81, -0.66)
    assert (round(lat, 3), round(lng, 2), zoom) == (47.335, -1.61, 9)
    # a single point: the closest zoom allowed; the whole world: France's zoom
    assert fit_position(47.2, -1.5, 47.2, -1.5)[2] == 13
    assert fit_position(-60, -170, 70, 170)[2] == 5


def test_shared_link_of_the_home_page_is_the_app_root():
    """The home page is app.py's default page: Streamlit serves it at the root and
    answers "Page not found" (in English, over a page made inert) at /accueil."""
    from pages._state import view_url

    assert view_url("accueil", {"terr": "region:53"}) == "http://localhost:8501/?terr=region%3A53"
    assert view_url("carte", {"at": "47.2,-1.5,9"}) == "http://localhost:8501/carte?at=47.2%2C-1.5%2C9"


def test_project_card_link_keeps_language_inventory_and_view():
    from ecosystem.render.links import project_card

    assert project_card("fr", "Démo", "Démo") == "projet?project="
    assert project_card("en", "A & B", "Démo", {"terr": "departement:44", "actor": "A1"}) == \
        "projet?lang=en&inv=A%20%26%20B&terr=departement%3A44&project="
