"""The Streamlit options TracPro's served app depends on, read the way Streamlit reads them."""

from __future__ import annotations

import tomllib
from pathlib import Path

SETTINGS = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_a_rerun_waits_for_the_run_before_it_in_the_same_thread():
    """With fast reruns, two runners of one session run at once and race on its state: a page
    under load showed "dictionary changed size during iteration" from Streamlit's compaction of
    the session state (see the comment in config.toml)."""
    assert tomllib.loads(SETTINGS.read_text())["runner"]["fastReruns"] is False


def test_no_file_watcher_sends_deep_links_home():
    assert tomllib.loads(SETTINGS.read_text())["server"]["fileWatcherType"] == "none"
