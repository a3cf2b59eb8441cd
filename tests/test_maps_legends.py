"""Legends leave the data visible (issue 17 item 8): the view is fitted with room
for the legends' right column; tooltips choose their side."""

from ecosystem.render import maps


def test_the_fitted_view_keeps_a_right_column_for_the_legends():
    # France with insets spans 19.5° of longitude: 40 % more is 7.8° to the east
    assert maps.legend_room([[41.2, -9.8], [51.2, 9.7]]) == [[41.2, -9.8], [51.2, 17.5]]
    assert maps.legend_room([[47.0, -2.0], [48.0, -1.0]]) == [[47.0, -2.0], [48.0, -0.6]]
    html = maps.render(maps.base_map())
    assert "[[41.2, -9.8], [51.2, 17.5]]" in html


def test_choropleth_tooltips_turn_left_in_the_east_half(geo):
    import pandas as pd
    regions = pd.DataFrame({"code": ["52"], "name": ["Pays de la Loire"], "actors": [3],
                            "actors_per_10k": [0.5], "population": [3_800_000]})
    html = maps.render(maps.home_map(geo, regions))
    assert '"direction": "auto"' in html
