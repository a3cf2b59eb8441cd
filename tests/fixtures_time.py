"""A small inventory with known histories (issue 14), for the time series checked by hand.

========  ===========  ================================  =======  =======  ===========
actor     type         commune (département)             created  closed   note
========  ===========  ================================  =======  =======  ===========
H1        association  Nantes 44109 (44)                 2010
H2        association  Nantes 44109 (44)                 2015     2018
H3        company      Saint-Herblain 44162 (44)         2018
H4        association  Marseille 13055 (13)              2012     2020
H5        association  Marseille 13055 (13)              —                 no date: left out
H6        funder       Marseille 13055 (13)              2000     —        inactive, closing
                                                                           unknown: left out
========  ===========  ================================  =======  =======  ===========

Projects (commune = the lead's):

* Q1 (H1, Nantes) start 2015, stage diffusion, experimentation 2017, diffusion 2019, active;
* Q2 (H3, Saint-Herblain) start 2018, stage experimentation, no stage year;
* Q3 (H4, Marseille) start 2012, end 2016, stage evaluation, experimentation 2013,
  diffusion 2014, evaluation 2016;
* Q4 (H5, Marseille) no start year, emergence: left out.

Fundings: F1 Q1 2015 1,000 € public; F2 Q1 2016 3,000 € public; F3 Q3 2015 2,000 €
private; F4 Q1 no year 500 € (left out); F5 Q2 2018 4,000 € earned.
"""

from __future__ import annotations

from ecosystem.model import InventoryData
from tests.fixtures import frame


def history() -> InventoryData:
    actors = frame([
        dict(actor_id="H1", name="Entraide Nantes", actor_type="association",
             commune_code="44109", creation_year=2010, source="test"),
        dict(actor_id="H2", name="Atelier fermé", actor_type="association",
             commune_code="44109", creation_year=2015, closing_year=2018, active=False,
             source="test"),
        dict(actor_id="H3", name="Durand Logistique", actor_type="company",
             commune_code="44162", creation_year=2018, source="test"),
        dict(actor_id="H4", name="Solidarité Marseille", actor_type="association",
             commune_code="13055", creation_year=2012, closing_year=2020, active=False,
             source="test"),
        dict(actor_id="H5", name="Sans date", actor_type="association", commune_code="13055",
             source="test"),
        dict(actor_id="H6", name="Fonds disparu", actor_type="funder", commune_code="13055",
             creation_year=2000, active=False, source="test"),
    ])
    projects = frame([
        dict(project_id="Q1", title="Épicerie", lead_actor_id="H1", stage="diffusion",
             commune_code="44109", start_year=2015, experimentation_year=2017,
             diffusion_year=2019, active=True, source="test"),
        dict(project_id="Q2", title="Logistique solidaire", lead_actor_id="H3",
             stage="experimentation", commune_code="44162", start_year=2018, active=True,
             source="test"),
        dict(project_id="Q3", title="Chantier", lead_actor_id="H4", stage="evaluation",
             commune_code="13055", start_year=2012, end_year=2016, experimentation_year=2013,
             diffusion_year=2014, evaluation_year=2016, active=False, source="test"),
        dict(project_id="Q4", title="Idée", lead_actor_id="H5", stage="emergence",
             commune_code="13055", source="test"),
    ])
    fundings = frame([
        dict(funding_id="F1", project_id="Q1", amount_eur=1000.0, year=2015, kind="subvention",
             origin="public"),
        dict(funding_id="F2", project_id="Q1", amount_eur=3000.0, year=2016, kind="subvention",
             origin="public"),
        dict(funding_id="F3", project_id="Q3", amount_eur=2000.0, year=2015, kind="mecenat",
             origin="private"),
        dict(funding_id="F4", project_id="Q1", amount_eur=500.0, kind="subvention",
             origin="public"),
        dict(funding_id="F5", project_id="Q2", amount_eur=4000.0, year=2018, kind="recettes",
             origin="earned"),
    ])
    return InventoryData(actors=actors, projects=projects, fundings=fundings)
