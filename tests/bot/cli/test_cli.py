"""The `lede` command line as a user runs it: real processes, the real model, a fresh data dir."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import SAMPLES, VECTOR_STORE

LEDE = Path(sys.executable).parent / "lede"  # the console script pip installed


def lede(*args: str, data_dir: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEDE_DATA_DIR": str(data_dir), **environment}
    return subprocess.run(
        [str(LEDE), *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
def test_ingest_ask_stats_and_rebuild_end_to_end(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sample = str(SAMPLES / "coalition-of-the-willing.txt")

    first = lede("ingest", sample, data_dir=data)
    assert first.returncode == 0, first.stderr
    assert "1 new" in first.stdout

    asked = lede("ask", "Who leads the coalition?", data_dir=data)
    assert asked.returncode == 0, asked.stderr
    assert "Britain and France are expected to lead the coalition. [1]" in asked.stdout.splitlines()[0]
    assert "Moscow Warns Against a 'Coalition of the Willing' in Ukraine" in asked.stdout

    stats = json.loads(lede("stats", "--json", data_dir=data).stdout)
    assert set(stats) == {"sources", "articles", "passages", "vectors", "in_sync", "keyword_ranking", "keyword_passages"}
    assert stats["in_sync"] and stats["vectors"] == stats["passages"] == stats["keyword_passages"] > 0
    assert stats["keyword_ranking"].startswith("BM25")

    again = lede("ingest", sample, data_dir=data)
    assert "0 new, 0 updated, 1 unchanged" in again.stdout
    assert json.loads(lede("stats", "--json", data_dir=data).stdout) == stats

    if VECTOR_STORE == "faiss":  # a lost FAISS file is rebuilt from the database
        (data / "passages.faiss").unlink()
        assert json.loads(lede("stats", "--json", data_dir=data).stdout)["in_sync"] is False
        assert lede("ask", "Who leads the coalition?", data_dir=data).stdout == asked.stdout
        assert json.loads(lede("stats", "--json", data_dir=data).stdout) == stats

    # A reader that stops reading (`lede ask ... | head -c 0`) gets no traceback.
    piped = subprocess.Popen(
        [str(LEDE), "ask", "Who leads the coalition?"], env={**os.environ, "LEDE_DATA_DIR": str(data)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    piped.stdout.close()
    assert piped.wait(timeout=300) == 0
    assert "Traceback" not in piped.stderr.read().decode()


def test_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("ingest", "ask", "stats", "reindex"):
        assert command in out


def test_missing_path_is_a_clear_error_and_stores_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", str(SAMPLES), str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt: no such file or folder" in capsys.readouterr().err
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 0


def test_asking_an_empty_knowledge_base_says_what_to_do(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["ask", "Who leads the coalition?"]) == 2
    assert "lede ingest PATH" in capsys.readouterr().err


def test_an_empty_question_is_a_clear_error(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["ask", "  "]) == 2
    assert "the question is empty" in capsys.readouterr().err


def test_unknown_embedding_model_names_the_setting(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEDE_EMBEDDING_MODEL", "no-such-model-package")
    assert main(["ingest", str(SAMPLES)]) == 2
    assert "LEDE_EMBEDDING_MODEL" in capsys.readouterr().err


def test_bad_database_url_names_the_setting(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATABASE_URL", "nosuchdb://x")
    assert main(["stats"]) == 2
    assert "database URL" in capsys.readouterr().err


def test_an_invalid_allowed_network_is_one_line_naming_the_setting(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LEDE_ALLOWED_NETWORKS", "10.0.0.0/8,intranet")
    assert main(["sources", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lede: LEDE_ALLOWED_NETWORKS: 'intranet' is not an address or CIDR range")
    assert len(err.strip().splitlines()) == 1


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "db").mkdir()  # a folder where the SQLite file belongs
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LEDE_DATABASE_URL", f"sqlite:///{tmp_path / 'db'}")
    assert main(["stats"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"lede: the database sqlite:///{tmp_path / 'db'} (data dir {tmp_path}) failed: "
                          "unable to open database file")
    assert len(err.strip().splitlines()) == 1


def test_an_empty_knowledge_base_names_the_database_and_data_dir_it_opened(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)  # another folder than the one holding the data: a new ./data
    for name in ("LEDE_DATA_DIR", "LEDE_DATABASE_URL", "LEDE_VECTOR_STORE"):  # the defaults: SQLite in ./data
        monkeypatch.delenv(name, raising=False)
    assert main(["ask", "Who leads the coalition?"]) == 2
    err = capsys.readouterr().err
    assert f"sqlite:///{tmp_path / 'data' / 'lede.sqlite3'}" in err and f"data dir {tmp_path / 'data'})" in err
    assert "holds no articles" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_undecodable_arguments_and_escape_characters_from_a_file_reach_no_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    article = tmp_path / "ferry.txt"
    article.write_text("Ferry fares\n\nThe \x1b[2J\x1b[31mferry\x1b[0m fares fall\x07 again in Keld this spring.\n")
    assert lede("ingest", str(article), data_dir=data).returncode == 0
    env = {**os.environ, "LEDE_DATA_DIR": str(data)}
    # A question typed in a Latin-1 terminal: its bytes are not UTF-8.
    asked = subprocess.run([str(LEDE), "ask", b"caf\xe9 ferry fares in Keld?"], env=env,
                           capture_output=True, timeout=300)
    assert asked.returncode == 0, asked.stderr.decode()
    assert b"ferry" in asked.stdout
    assert b"\x1b" not in asked.stdout and b"\x07" not in asked.stdout


@pytest.mark.slow
def test_chat_answers_a_follow_up_in_the_story_of_the_question_before(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert lede("ingest", str(SAMPLES), data_dir=data).returncode == 0
    env = {**os.environ, "LEDE_DATA_DIR": str(data)}
    chat = subprocess.run([str(LEDE), "chat"], input="How long will the tram line be?\nWho opposed it?\n",
                          env=env, capture_output=True, text=True, timeout=300)
    assert chat.returncode == 0, chat.stderr
    _, tram, opposed = chat.stdout.split("> ")
    assert tram.startswith("How long will the tram line be?") and opposed.startswith("Who opposed it?")
    assert "14 kilometres" in tram
    assert "Opponents on the council argued" in opposed and "Harbourton Council Approves" in opposed


@pytest.mark.slow
def test_timeline_and_compare_from_the_terminal(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    data = tmp_path / "data"
    assert lede("ingest", str(FIXTURES / "stories"), data_dir=data).returncode == 0
    timeline = lede("timeline", "storm", "Mara", data_dir=data)
    assert timeline.returncode == 0, timeline.stderr
    lines = timeline.stdout.splitlines()
    assert lines[0].startswith("Timeline: ") and lines[1] == "2025-03-10"
    assert "https://times.example.com/news/keld-storm-cleanup" in timeline.stdout
    compared = lede("compare", "storm", "Mara", data_dir=data)
    assert compared.returncode == 0, compared.stderr
    assert "Harbour Herald, Coast Courier, Valley Times" in compared.stdout
    assert "Where their figures differ:" in compared.stdout and "15,000 homes" in compared.stdout
    nothing = lede("timeline", " ", data_dir=data)
    assert nothing.returncode == 2 and nothing.stderr.count("\n") == 1 and "lede timeline" in nothing.stderr


def test_a_webhook_without_a_shared_secret_is_refused_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "LEDE_DATA_DIR": str(tmp_path / "data"), "TELEGRAM_TOKEN": "123:abc",
           "LEDE_WEBHOOK_URL": "https://lede.example.com/hook"}
    started = subprocess.run([str(LEDE), "bot", "--webhook"], env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 2
    assert started.stderr.count("\n") == 1 and "LEDE_WEBHOOK_SECRET" in started.stderr


def test_logs_can_be_json_lines(tmp_path: Path) -> None:
    env = {**os.environ, "LEDE_DATA_DIR": str(tmp_path / "data"), "LEDE_LOG_FORMAT": "json", "LEDE_LOG_LEVEL": "info"}
    done = subprocess.run([str(LEDE), "ingest", str(SAMPLES / "briefs.jsonl")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines()]
    assert records and {"time", "level", "logger", "message"} <= set(records[0])
    assert any("Running upgrade" in r["message"] for r in records)  # INFO, as LEDE_LOG_LEVEL asked


def test_the_deployment_files_run_commands_lede_has() -> None:
    """The Procfile, compose.yaml, the Dockerfile and the systemd units name `lede` commands and flags
    that exist."""
    import re
    import shlex

    from bot.cli import build_parser

    root = Path(__file__).resolve().parents[3]
    commands = [line.split(":", 1)[1].strip() for line in (root / "Procfile").read_text().splitlines() if line.strip()]
    compose = (root / "compose.yaml").read_text()
    commands += [" ".join(json.loads(m)) for m in re.findall(r'command: (\[.*\])', compose)]
    commands += [" ".join(json.loads(m)) for m in re.findall(r'^CMD (\[.*\])', (root / "Dockerfile").read_text(), re.M)]
    assert len(commands) == 8  # release, bot and worker; migrate, bot, worker and the webhook bot; the image's default
    units = re.findall(r"```ini\n(.*?)```", (root / "docs" / "deploy.md").read_text(), re.S)
    assert len(units) == 2  # the bot's and the worker's systemd units
    for unit in units:
        assert "Wants=network-online.target" in unit and "RestartSec=" in unit
        starts = re.findall(r"^ExecStart(?:Pre)?=\S+/(lede .*)$", unit, re.M)
        assert starts[0] == "lede migrate" and len(starts) == 2
        commands += starts
    for command in commands:
        words = [w for w in shlex.split(command) if "=" not in w]  # drop VAR=value prefixes
        assert words[0] == "lede", command
        build_parser().parse_args(words[1:])  # exits (fails the test) on an unknown command or flag


@pytest.mark.slow
def test_digest_preview_prints_the_stories_and_moves_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.settings import Settings
    from bot.state import subscriptions
    from index.knowledge import KnowledgeBase

    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    kb = KnowledgeBase.connect(Settings())
    digest = subscriptions.set_digest(kb, chat_id=-100321, time_of_day="08:00", timezone="UTC", topic=None, created_by=1)
    assert main(["ingest", "-q", str(SAMPLES / "briefs.jsonl")]) == 0
    capsys.readouterr()
    assert main(["digest", "--chat", "-100321"]) == 0, capsys.readouterr().err
    printed = capsys.readouterr().out.splitlines()
    assert "• Teenager Ada Marlow wins the national chess championship — example.org" in printed
    assert subscriptions.get_digest(kb, digest.id).last_article_id == 0  # a preview moves no cursor
    assert main(["digest", "--chat", "42"]) == 2
    assert "chat 42 has no digest" in capsys.readouterr().err


@pytest.mark.slow
def test_ask_as_of_a_day_reads_yesterday_as_the_day_before_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert lede("ingest", str(SAMPLES / "briefs.jsonl"), data_dir=data).returncode == 0
    question = "How many homes can the solar farm supply yesterday?"

    asked = lede("ask", "--as-of", "2025-06-03", question, data_dir=data)  # the farm opened on the 2nd
    assert asked.returncode == 0, asked.stderr
    assert "120,000 homes" in asked.stdout and "Northwind opens the country's largest solar farm" in asked.stdout

    later = lede("ask", "--as-of", "2025-06-20", "--tz", "Europe/Kyiv", question, data_dir=data)
    assert later.stdout.startswith("I have no articles from 2025-06-19 – 2025-06-20 on that.")

    wrong = lede("ask", "--as-of", "June 3", question, data_dir=data)
    assert wrong.returncode != 0 and "use YYYY-MM-DD" in wrong.stderr


def test_prune_refuses_a_bare_number_and_shows_what_it_would_delete_first(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", str(SAMPLES)]) == 0
    capsys.readouterr()

    def articles() -> int:
        assert main(["stats", "--json"]) == 0
        return json.loads(capsys.readouterr().out)["articles"]

    stored = articles()
    assert main(["prune", "--older-than", "90"]) == 2  # once 90 seconds: every article
    assert "did you mean 90d?" in capsys.readouterr().err
    assert main(["prune", "--older-than", "12h"]) == 2
    assert "at least one day" in capsys.readouterr().err
    assert main(["prune", "--older-than", "90d", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("Would delete ")
    assert articles() == stored
    assert main(["prune", "--older-than", "2000-01-01"]) == 0  # no sample is that old
    assert "Deleted 0 articles" in capsys.readouterr().out and articles() == stored


def test_migrate_brings_the_schema_up_to_date_and_says_where(tmp_path: Path, monkeypatch, capsys) -> None:
    from index.db import MIGRATIONS

    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["migrate"]) == 0
    head = max(p.name[:4] for p in (MIGRATIONS / "versions").glob("0*.py"))
    assert capsys.readouterr().out.rstrip().endswith(f"is at schema revision {head}.")


def test_config_shows_each_setting_where_it_came_from_and_masks_secrets(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456:do-not-print-me")
    (tmp_path / ".env").write_text("LEDE_QUESTIONS_PER_HOUR=12\n")  # the tests run in tmp_path
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "do-not-print-me" not in out
    assert any(line.split()[:2] == ["telegram_token", "***"] and "(TELEGRAM_TOKEN, environment)" in line
               for line in out.splitlines())
    assert any(line.split()[:2] == ["questions_per_hour", "12"] and "(LEDE_QUESTIONS_PER_HOUR, .env)" in line
               for line in out.splitlines())
    assert f"The data dir is {tmp_path / 'data'}" in out


def test_version_is_the_installed_one(capsys) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"lede {version('lede')}"


def test_a_health_port_in_use_is_one_line_naming_the_settings(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = {**os.environ, "LEDE_DATA_DIR": str(tmp_path / "data"), "LEDE_HTTP_PORT": str(taken.getsockname()[1])}
        done = subprocess.run([str(LEDE), "ingest", "--watch"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    [line] = [line for line in done.stderr.splitlines() if line.startswith("lede:")]
    assert "in use by another process" in line and "LEDE_HTTP_PORT" in line and "disk space" not in line


def test_verbose_is_taken_after_the_command_too_and_libraries_stay_quiet_without_it(tmp_path: Path, monkeypatch) -> None:
    import logging

    from bot.cli.logs import configure_logging

    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["stats", "-v", "--json"]) == 0  # was "unrecognized arguments: -v"
    configure_logging(json_lines=False, level=logging.INFO)
    assert not logging.getLogger("trafilatura").isEnabledFor(logging.ERROR)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)  # a line per Bot API request
    configure_logging(json_lines=False, level=logging.DEBUG)
    assert logging.getLogger("trafilatura").isEnabledFor(logging.WARNING)
