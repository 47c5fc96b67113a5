"""Compose's `tls` profile: the committed deploy/nginx/tls.conf, run by the real nginx.

nginx loads the file with three loopback substitutions (its listen address, the certificate
folder, and the router address it forwards to, here a recording HTTP server) and must then
serve HTTPS with the mounted certificate, send HSTS, and forward the raw request URI with
``X-Forwarded-Proto: https``.
"""

from __future__ import annotations

import shutil
import signal
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.e2e.test_nginx_ingress import (
    main_config,
    nginx_args,
    nginx_binary,
    nginx_test,
)
from tests.support.http import free_port
from tests.support.local_http import Answer, LocalServer
from tests.support.processes import spawn, stop
from tests.support.tls import TestCA
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TLS_CONF = ROOT / "deploy" / "nginx" / "tls.conf"
START_TIMEOUT = 30.0


def _localized(text: str, *, port: int, certs: Path, router: str) -> str:
    replacements = {
        "listen 8443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        "/etc/nginx/tls/": f"{certs}/",
        "http://127.0.0.1:8080;": f"http://{router};",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def tls_ingress(tmp_path: Path) -> Iterator[tuple[str, LocalServer, Path]]:
    binary = nginx_binary()
    ca = TestCA(tmp_path)
    ca.server_context("localhost")
    certs = tmp_path / "tls"
    certs.mkdir()
    shutil.copy(tmp_path / "localhost.pem", certs / "tls.crt")
    shutil.copy(tmp_path / "localhost.key", certs / "tls.key")
    with ExitStack() as cleanup:
        router = cleanup.enter_context(
            LocalServer(lambda seen: Answer(200, b"routed", {"Content-Type": "text/plain"}))
        )
        port = free_port()
        conf_dir = tmp_path / "conf.d"
        conf_dir.mkdir()
        tls_conf = conf_dir / "tls.conf"
        tls_conf.write_text(
            _localized(
                TLS_CONF.read_text(encoding="utf-8"),
                port=port,
                certs=certs,
                router=f"127.0.0.1:{router.port}",
            ),
            encoding="utf-8",
        )
        conf = main_config(binary, tmp_path, [tls_conf])
        checked = nginx_test(binary, tmp_path, conf)
        assert checked.returncode == 0, checked.stderr
        nginx = spawn(
            "nginx", nginx_args(binary, tmp_path, conf, "-g", "daemon off;"), tmp_path, {}
        )
        cleanup.callback(stop, nginx, signal.SIGQUIT)
        url = f"https://localhost:{port}"
        context = ssl.create_default_context(cafile=str(ca.ca_file))

        def answers() -> bool:
            assert nginx.process.poll() is None, nginx.log_path.read_text()
            try:
                with urllib.request.urlopen(f"{url}/-/ping", timeout=2, context=context):
                    return True
            except OSError:
                return False

        wait_until(answers, timeout=START_TIMEOUT, what="nginx to answer HTTPS")
        yield url, router, ca.ca_file


def test_https_with_hsts_forwards_the_raw_uri(tls_ingress: tuple[str, LocalServer, Path]) -> None:
    url, router, ca_file = tls_ingress
    context = ssl.create_default_context(cafile=str(ca_file))
    path = "/v0/servers/io.github.alice%2Fweather/versions/latest?x=1"
    with urllib.request.urlopen(url + path, timeout=5, context=context) as response:
        assert response.status == 200
        assert response.read() == b"routed"
        hsts = response.headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains"
    seen = router.requests[-1]
    assert seen.path == path  # %2F not decoded, query kept
    assert seen.headers["x-forwarded-proto"] == "https"
    assert seen.headers["host"].startswith("localhost")


def test_plain_http_on_the_tls_port_is_refused(
    tls_ingress: tuple[str, LocalServer, Path],
) -> None:
    url, _, _ = tls_ingress
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url.replace("https://", "http://") + "/v0/servers", timeout=5)
    refused.value.close()
    assert refused.value.code == 400  # nginx: "The plain HTTP request was sent to HTTPS port"
