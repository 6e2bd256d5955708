import socket
import subprocess
import sys

import polars as pl
import pytest

from sharecheck.pii.engine import ModelNotInstalled, analyze_values, analyzer


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted during classification")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse()

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_classification_runs_with_sockets_disabled(no_network, classify):
    analyzer.cache_clear()  # build the presidio engine (and tldextract) inside the no-network window
    frame = pl.DataFrame({
        "contact": ["ana.perez@example.org", "b.lee@example.org", "c.diaz@example.net", "d.kim@example.com"] * 5,
        "notes": ["mystery value one", "another thing", "third thing here", "fourth"] * 5,
        "code": ["QX-1", "QX-2", "QX-3", "QX-4"] * 5,
    })
    result = classify(frame)
    assert result["contact"].semantic_type == "email"
    # presidio really ran (on the undecided columns) with the network refused
    hits = analyze_values(["ana.perez@example.org"])
    assert any(hit.entity == "EMAIL_ADDRESS" and hit.coverage == 1.0 for hit in hits[0])


def test_missing_spacy_model_is_an_error_not_a_download(no_network):
    with pytest.raises(ModelNotInstalled):
        analyzer("xx_sharecheck_no_such_model")


def test_presidio_only_counts_whole_value_hits():
    email, address = analyze_values(["ana.perez@example.org", "1600 Pennsylvania Ave"])
    whole = {hit.entity for hit in email if hit.coverage >= 0.9}
    assert whole == {"EMAIL_ADDRESS"}  # the URL hit on the domain is partial
    assert "PHONE_NUMBER" not in {hit.entity for hit in address if hit.coverage >= 0.9}


def test_importing_sharecheck_and_cli_help_load_neither_spacy_nor_presidio():
    code = (
        "import sys, io, contextlib\n"
        "import sharecheck, sharecheck.classify\n"
        "from sharecheck import cli\n"
        "try:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        sys.argv = ['sharecheck', '--help']\n"
        "        cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(name for name in sys.modules if name.split('.')[0] in ('spacy', 'presidio_analyzer', 'thinc'))\n"
        "print(','.join(heavy))\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == ""
