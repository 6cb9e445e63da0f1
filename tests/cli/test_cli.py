from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from transactional_api.cli.demo import wipe_var
from transactional_api.cli.main import build_parser, main
from transactional_api.cli.processes import Supervisor
from transactional_api.cli.summary import landed_events
from transactional_api.events import lake

SUBCOMMANDS = ("serve", "simulate", "relay", "pipeline", "dashboards", "demo")


def test_help_lists_every_subcommand():
    out = subprocess.run([sys.executable, "-m", "transactional_api.cli.main", "--help"],
                         capture_output=True, text=True, check=True).stdout
    for name in SUBCOMMANDS:
        assert name in out


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("flywheel")
    if not script.exists():
        pytest.skip("package not installed in this interpreter's environment")
    out = subprocess.run([str(script), "demo", "--help"], capture_output=True, text=True,
                         check=True).stdout
    assert "--once" in out and "--shoppers" in out


def test_parser_defaults():
    args = build_parser().parse_args(["demo", "--once"])
    assert (args.once, args.shoppers, args.days, args.seed) == (True, 60, 7, 42)
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.workers) == ("127.0.0.1", 8000, 1)
    args = build_parser().parse_args(["pipeline", "run"])
    assert args.func.__name__ == "cmd_pipeline"


def test_missing_subcommand_is_an_error():
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


def test_transactional_api_never_imports_the_data_side():
    code = (
        "import sys, transactional_api.cli.main, transactional_api.cli.demo, "
        "transactional_api.cli.summary, transactional_api.simulator;"
        "print([m for m in ('duckdb','pipelines','dashboards','dbt','dagster','streamlit')"
        " if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_relay_once_lands_events(tmp_path):
    env = {**os.environ, "FLYWHEEL_VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run([sys.executable, "-m", "transactional_api.cli.main", "relay", "--once"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "relayed 0 events" in done.stdout  # a fresh database has an empty outbox
    assert (tmp_path / "var" / "oltp.sqlite3").exists()


def test_wipe_var_empties_only_the_var_dir(tmp_path):
    var = tmp_path / "var"
    (var / "lake" / "x").mkdir(parents=True)
    (var / "oltp.sqlite3").write_text("x")
    (tmp_path / "keep.txt").write_text("keep")
    wipe_var(var)
    assert var.exists() and not any(var.iterdir())
    assert (tmp_path / "keep.txt").exists()


def test_wipe_var_refuses_a_checkout(tmp_path):
    (tmp_path / ".git").mkdir()
    with pytest.raises(SystemExit):
        wipe_var(tmp_path)
    assert (tmp_path / ".git").exists()


def test_landed_events_counts_lines(tmp_path):
    recs = [{"event_type": "page_view", "occurred_at": f"2025-01-0{d}T10:00:00Z", "n": i}
            for i, d in enumerate((1, 1, 2))]
    lake.land(tmp_path, recs)
    lake.land(tmp_path, recs[:1])
    assert landed_events(tmp_path) == 4


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def test_supervisor_stops_grandchildren(tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    # the child ignores SIGTERM-free shutdown of its own child: sleep runs in the background
    script = f"sleep 300 & echo $! > {pidfile}; wait"
    sup = Supervisor(env=dict(os.environ), log_dir=tmp_path / "logs")
    child = sup.start("sh", ["bash", "-c", script])
    deadline = time.monotonic() + 10
    while not (pidfile.exists() and pidfile.read_text().strip()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    grandchild = int(pidfile.read_text())
    assert _alive(grandchild)
    sup.stop_all()
    assert child.proc.poll() is not None
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)
    assert json.dumps(sup.children) == "[]"
