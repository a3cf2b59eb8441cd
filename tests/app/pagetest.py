"""Helpers to run a page in AppTest through tests/app/harness.py."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = str(ROOT / "tests" / "app" / "harness.py")


def page_test(page: str, params: dict | None = None, state: dict | None = None,
              timeout: float = 180) -> AppTest:
    """AppTest of ``page`` (e.g. "pages/accueil.py") opened with URL ``params``
    and session ``state`` preset (widget keys included). Run it with ``.run()``."""
    at = AppTest.from_file(HARNESS, default_timeout=timeout)
    at.session_state["_test_page"] = str(ROOT / page)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + \
            [e.value for e in at.header] + [e.value for e in at.subheader] + \
            [e.value for e in at.caption] + [str(e.value) for e in at.info] + \
            [str(e.value) for e in at.warning] + [str(e.value) for e in at.error]
    return "\n".join(map(str, parts))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
