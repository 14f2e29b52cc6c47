"""The server deployment files agree with the server: names, limits, commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fieldcrm.protocol import MAX_BODY_BYTES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def server_sources() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "sync_server").glob("*.py"))


def test_every_environment_variable_of_the_deployment_is_read_by_the_server() -> None:
    sources = server_sources()
    used = set()
    for name in ("fieldcrm-server.env", "compose.yaml", "Dockerfile"):
        used |= set(re.findall(r"\b(FIELDCRM_[A-Z_]+)", (DEPLOY / name).read_text()))
    assert "FIELDCRM_DATABASE_URL" in used
    assert {name for name in used if name not in sources} == set()


def test_compose_runs_init_once_then_two_servers_behind_nginx() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert services["init"]["command"] == ["fieldcrm-server", "init"]
    servers = [
        name for name, s in services.items() if s.get("command") == ["fieldcrm-server", "serve"]
    ]
    assert sorted(servers) == ["server1", "server2"]
    for name in servers:
        assert services[name]["depends_on"]["init"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["FIELDCRM_DATABASE_URL"].startswith(
            "postgresql+psycopg://"
        )
    assert services["db"]["image"].startswith("postgres:")
    nginx_conf = services["nginx"]["volumes"][0].split(":")[0]
    upstreams = re.findall(r"^\s*server (\S+:\d+)", (DEPLOY / nginx_conf).read_text(), re.M)
    assert upstreams == ["server1:8765", "server2:8765"]


@pytest.mark.parametrize("site", ["fieldcrm.conf", "fieldcrm-compose.conf"])
def test_nginx_terminates_tls_and_caps_bodies_like_the_server(site: str) -> None:
    text = (DEPLOY / "nginx" / site).read_text()
    assert "listen 443 ssl;" in text
    assert "return 301 https://" in text
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text
    cap = re.search(r"client_max_body_size (\d+)m;", text)
    assert cap is not None and int(cap.group(1)) * 2**20 == MAX_BODY_BYTES
    assert text.count("{") == text.count("}")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_unit_verifies(tmp_path: Path) -> None:
    # The programs are those of an installed server; here any executable stands in for them.
    unit = (DEPLOY / "fieldcrm-server.service").read_text()
    assert "ExecStartPre=/opt/fieldcrm-server/bin/fieldcrm-server init" in unit
    assert "ExecStart=/opt/fieldcrm-server/bin/fieldcrm-server serve" in unit
    local = tmp_path / "fieldcrm-server.service"
    local.write_text(unit.replace("/opt/fieldcrm-server/bin/fieldcrm-server", sys.executable))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(local)], capture_output=True, text=True
    )
    problems = [line for line in result.stderr.splitlines() if "fieldcrm-server" in line]
    assert problems == []
    assert result.returncode == 0, result.stderr
