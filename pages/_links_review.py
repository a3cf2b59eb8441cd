"""The Importer's linking review (issue 16): the file's records and the inventory's
grouped into structures by SIRET, RNA number and SIREN, the rule per record, and the
conflicts to merge or keep apart (applied at the save, in its one transaction)."""

import streamlit as st

from ecosystem.numbers import fmt_number
from pages._shell import tr

IDENTIFIERS = {"siren", "siret", "rna_id"}


def links_review(session, p, lang: str) -> None:
    if p.table != "actors" or not IDENTIFIERS & set(p.mapping.used()):
        return
    key = f"imp_links_{session.folder.name}_{p.index}"
    # a toggle rather than an expander: the results stay in view across reruns
    if not st.toggle(tr("links.review.title"), key=f"imp_links_run_{p.index}",
                     help=tr("links.review.help")):
        return
    if key not in st.session_state:
        st.session_state[key] = session.link_review(p.index)
    got = st.session_state[key]
    s = got.summary()
    st.info(tr("links.review.summary", **{k: fmt_number(s[k], lang) for k in
                                            ("records", "structures", "linked", "conflicts")}))
    several = got.structures[got.structures.n_records > 1]
    st.caption(tr("links.review.structures"))
    st.dataframe(several.fillna("").rename(columns=_cols()), hide_index=True, width="stretch")
    st.caption(tr("links.review.records"))
    linked = got.records[got.records.rule != ""][["actor_id", "source", "name", "rule", "structure"]]
    st.dataframe(linked.head(2000).fillna("").rename(columns=_cols()), hide_index=True, width="stretch")
    conflicts_editor(session, p, got)


def conflicts_editor(session, p, got) -> None:
    if got.conflicts.empty:
        st.success(tr("links.review.no_conflict"), icon=":material/check_circle:")
        return
    st.caption(tr("links.review.conflicts"))
    current = session.link_decisions(p.index, got)
    view = got.conflicts.assign(merge=[current.get(s) is True for s in got.conflicts.structure])
    edited = st.data_editor(
        view, hide_index=True, width="stretch", key=f"imp_links_conf_{p.index}",
        disabled=[c for c in view.columns if c != "merge"],
        column_order=["merge", "structure", "kind", "values", "actor_ids"],
        column_config={"merge": st.column_config.CheckboxColumn(tr("links.review.merge")),
                       **{k: v for k, v in _cols().items() if k in view.columns}})
    for structure, new, old in zip(view.structure, edited["merge"], view["merge"]):
        if bool(new) != bool(old):
            session.decide_links(p.index, got, structure, bool(new))
            st.rerun()


def _cols() -> dict[str, str]:
    return {c: tr(f"links.col.{c}") for c in (
        "structure", "n_records", "sirens", "sirets", "rna_ids", "actor_ids", "sources", "conflict",
        "actor_id", "source", "name", "rule", "kind", "values")}

