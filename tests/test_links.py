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
