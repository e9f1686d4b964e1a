"""Tests of scripts/oauth_interop_server.py (Authlib's OAuth 2.0 server), and how Authlib and the
DfE stand-in (scripts/dfe_standin.py) decode client credentials.

Needs Authlib at the version pinned in scripts/install-deps (run it first); without it every test
here fails with a message saying so, rather than being skipped. Run from the repository root:

    python3 -m unittest discover -s scripts/tests -v

The finding these tests pin down (RFC 6749 section 2.3.1 says the client id and secret are
form-encoded before they go into the Basic credential, so a space may become '+'):
Authlib's client_secret_basic decodes each half with urllib.parse.unquote, which turns '%20'
into a space but leaves '+' as '+'. A secret with a space, sent as '+', is REJECTED by Authlib
(401 invalid_client); sent as '%20' it is ACCEPTED. The stand-in decodes with unquote_plus and
accepts both. A client that percent-encodes every byte outside the RFC 3986 unreserved set
(space as %20, '+' as %2B) is accepted by both.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent.parent
SERVER = SCRIPTS / "oauth_interop_server.py"
STANDIN = SCRIPTS / "dfe_standin.py"
MAKE_CERTS = SCRIPTS / "make-test-certs.sh"
INSTALL_DEPS = SCRIPTS / "install-deps"

CLIENT_ID = "attsync-client"
SECRET = "the secret"
SCOPE = "api://attendance/.default"

CERTS: Path
_module_tmp: tempfile.TemporaryDirectory


def pinned(name: str) -> str:
    match = re.search(rf"^{name}_VERSION=(\S+)$", INSTALL_DEPS.read_text(), re.MULTILINE)
    assert match, f"{name}_VERSION not found in scripts/install-deps"
    return match.group(1)


def setUpModule() -> None:
    global CERTS, _module_tmp
    from importlib.metadata import PackageNotFoundError, version
    try:
        installed = version("authlib")
    except PackageNotFoundError:
        raise RuntimeError("Authlib is not installed: run scripts/install-deps") from None
    if installed != pinned("AUTHLIB"):
        raise RuntimeError(f"Authlib {installed} installed, scripts/install-deps pins "
                           f"{pinned('AUTHLIB')}: run scripts/install-deps")
    _module_tmp = tempfile.TemporaryDirectory(prefix="oauth-interop-")
    CERTS = Path(_module_tmp.name) / "certs"
    subprocess.run(["bash", str(MAKE_CERTS), str(CERTS)], check=True, capture_output=True)


def tearDownModule() -> None:
    _module_tmp.cleanup()


def basic(client_id: str, secret: str, encode: Any) -> str:
    """An Authorization: Basic value with both halves passed through `encode`."""
    pair = f"{encode(client_id)}:{encode(secret)}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def form_encode(text: str) -> str:
    """application/x-www-form-urlencoded (RFC 6749 section 2.3.1, Appendix B): space as '+'."""
    return urllib.parse.quote_plus(text, safe="")


def percent_encode(text: str) -> str:
    """Every byte outside the RFC 3986 unreserved set as %XX: space as '%20', '+' as '%2B'."""
    return urllib.parse.quote(text, safe="")


def raw(text: str) -> str:
    return text


class Process:
    """A server process started the way attsync's Swift tests start the stand-in: --cert, --key,
    --config, --port-file (and --record); ready once the port file exists."""

    def __init__(self, script: Path, config: dict, extra: list[str] | None = None,
                 record: bool = True) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="server-"))
        (self.dir / "config.json").write_text(json.dumps(config))
        self.port_file = self.dir / "port"
        self.record_path = self.dir / "record.jsonl"
        command = [sys.executable, str(script), "--cert", str(CERTS / "server.pem"),
                   "--key", str(CERTS / "server.key"), "--config", str(self.dir / "config.json"),
                   "--port-file", str(self.port_file)] + (extra or [])
        if record:
            command += ["--record", str(self.record_path)]
        self.stdout_path, self.stderr_path = self.dir / "stdout", self.dir / "stderr"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=err)
        deadline = time.monotonic() + 20
        while not self.port_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"{script.name} exited {self.process.returncode}: "
                                   f"{self.stderr()}")
            if time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(f"{script.name} did not start")
            time.sleep(0.01)
        self.port = int(self.port_file.read_text())
        self.context = ssl.create_default_context(cafile=str(CERTS / "ca.pem"))

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return -1
        return self.process.returncode

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.record_path.read_text().splitlines()]

    def token_request(self, form: dict, authorization: str | None = None,
                      content_type: str = "application/x-www-form-urlencoded"
                      ) -> tuple[int, Any, dict]:
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10,
                                           context=self.context)
        try:
            conn.request("POST", "/token", urllib.parse.urlencode(form).encode(), headers)
            response = conn.getresponse()
            return response.status, response.headers, json.loads(response.read() or b"null")
        finally:
            conn.close()


class ServerTestCase(unittest.TestCase):
    def start(self, config: dict | None = None, script: Path = SERVER, **kwargs: Any) -> Process:
        if config is None:
            config = {"clients": {CLIENT_ID: SECRET}, "scope": SCOPE}
        server = Process(script, config, **kwargs)

        def stop() -> None:
            code = server.stop()
            try:
                self.assertEqual(code, 0, f"exit code; stderr:\n{server.stderr()}")
                self.assertNotIn("Traceback", server.stderr())
            finally:
                shutil.rmtree(server.dir, ignore_errors=True)
        self.addCleanup(stop)
        return server

    def start_standin(self, secret: str) -> Process:
        return self.start({"clients": {CLIENT_ID: secret}, "scope": SCOPE}, script=STANDIN)


GRANT = {"grant_type": "client_credentials", "scope": SCOPE}


class InteropServerTests(ServerTestCase):
    def test_start_up_protocol(self) -> None:
        server = self.start()
        self.assertEqual(server.stdout_path.read_text(), f"{server.port}\n")
        self.assertEqual(server.port_file.read_text(), str(server.port))
        self.assertEqual(server.stop(), 0)
        self.assertIn("stopped", server.stderr())

    def test_client_secret_post(self) -> None:
        server = self.start({"clients": {CLIENT_ID: SECRET}, "scope": SCOPE,
                             "tokenLifetimeSeconds": 600})
        status, headers, token = server.token_request(
            {**GRANT, "client_id": CLIENT_ID, "client_secret": SECRET})
        self.assertEqual(status, 200, token)
        self.assertEqual((token["token_type"], token["expires_in"], token["scope"]),
                         ("Bearer", 600, SCOPE))
        self.assertRegex(token["access_token"], r"^[A-Za-z0-9]{42}$")
        self.assertEqual((headers["Cache-Control"], headers["Pragma"]), ("no-store", "no-cache"))
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        # The form body is form-decoded ('+' is a space), as a web framework would.
        record = server.records()[0]
        self.assertIn("client_secret=the+secret", record["body"])

    def test_client_secret_basic(self) -> None:
        server = self.start()
        status, _, token = server.token_request(GRANT, basic(CLIENT_ID, SECRET, percent_encode))
        self.assertEqual((status, token["token_type"], token["expires_in"]), (200, "Bearer", 3599))
        self.assertTrue(token["access_token"])

    def test_scope_defaults_and_errors(self) -> None:
        server = self.start()
        good = {"client_id": CLIENT_ID, "client_secret": SECRET}
        status, _, token = server.token_request({"grant_type": "client_credentials", **good})
        self.assertEqual((status, token["scope"]), (200, SCOPE), "no scope: the configured one")
        cases = [
            ({**GRANT, **good, "scope": "other"}, None, 400, "invalid_scope"),
            ({**GRANT, **good, "grant_type": "password"}, None, 400, "unsupported_grant_type"),
            ({"scope": SCOPE, **good}, None, 400, "unsupported_grant_type"),
            ({**GRANT, **good, "client_secret": "wrong"}, None, 401, "invalid_client"),
            ({**GRANT, **good, "client_id": "nobody"}, None, 400, "invalid_client"),
            (GRANT, None, 401, "invalid_client"),
            (GRANT, basic(CLIENT_ID, "wrong", percent_encode), 401, "invalid_client"),
        ]
        for form, authorization, want_status, want_error in cases:
            with self.subTest(form=form, authorization=authorization):
                status, headers, answer = server.token_request(form, authorization)
                self.assertEqual((status, answer["error"]), (want_status, want_error))
                if want_status == 401:
                    self.assertTrue(headers["WWW-Authenticate"].startswith("Basic "))
        # A form body is needed: JSON is not read.
        status, _, answer = server.token_request({**GRANT, **good}, content_type="application/json")
        self.assertEqual((status, answer["error"]), (400, "unsupported_grant_type"))

    def test_standin_configuration_accepted(self) -> None:
        """The stand-in's configuration file (as attsync's Swift tests write it) starts this
        server too; the stand-in's own keys are ignored."""
        server = self.start({"clients": {CLIENT_ID: SECRET}, "subscriptionKey": "sub-key",
                             "scope": SCOPE, "knownUrns": ["100000"], "expiresInAsString": True,
                             "requireIdempotencyKey": True, "faults": {"token": [{"status": 500}]},
                             "tokenLifetimeSeconds": 60})
        status, _, token = server.token_request(
            {**GRANT, "client_id": CLIENT_ID, "client_secret": SECRET})
        self.assertEqual((status, token["expires_in"]), (200, 60))

    def test_auth_methods_restricted(self) -> None:
        server = self.start({"clients": {CLIENT_ID: SECRET}, "scope": SCOPE,
                             "authMethods": ["client_secret_basic"]})
        status, _, answer = server.token_request(
            {**GRANT, "client_id": CLIENT_ID, "client_secret": SECRET})
        self.assertEqual((status, answer["error"]), (401, "invalid_client"))
        status, _, _ = server.token_request(GRANT, basic(CLIENT_ID, SECRET, percent_encode))
        self.assertEqual(status, 200)

    def test_punctuation_and_unicode_in_secret(self) -> None:
        secret = "p@ss wörd:/?#[]!$&'()*,;=%~\"\\<>^`{|}"
        client_id = "client:with space+plus"
        server = self.start({"clients": {client_id: secret}, "scope": SCOPE})
        status, _, answer = server.token_request(
            {**GRANT, "client_id": client_id, "client_secret": secret})
        self.assertEqual(status, 200, answer)
        status, _, answer = server.token_request(GRANT, basic(client_id, secret, percent_encode))
        self.assertEqual(status, 200, answer)

    def test_bad_configuration_and_missing_files(self) -> None:
        bad = [{"clients": {}}, {"clients": {CLIENT_ID: ""}}, {"clients": {CLIENT_ID: "s"}, "x": 1},
               {"clients": {CLIENT_ID: "s"}, "tokenLifetimeSeconds": 0},
               {"clients": {CLIENT_ID: "s"}, "authMethods": ["none"]}]
        for config in bad:
            with self.subTest(config=config), tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "config.json"
                path.write_text(json.dumps(config))
                result = subprocess.run(
                    [sys.executable, str(SERVER), "--cert", str(CERTS / "server.pem"),
                     "--key", str(CERTS / "server.key"), "--config", str(path),
                     "--port-file", str(Path(tmp) / "port")],
                    capture_output=True, text=True, timeout=20)
                self.assertEqual((result.returncode, result.stdout), (2, ""))
                self.assertIn("configuration", result.stderr)
                self.assertFalse((Path(tmp) / "port").exists())


class BasicCredentialEncodingTests(ServerTestCase):
    """How each server decodes the Basic credential: the same requests to both."""

    def outcomes(self, server: Process, secret: str) -> dict[str, int]:
        return {name: server.token_request(GRANT, basic(CLIENT_ID, secret, encode))[0]
                for name, encode in (("form", form_encode), ("percent", percent_encode),
                                     ("raw", raw))}

    def test_space_as_plus_rejected_by_authlib_accepted_by_standin(self) -> None:
        authlib_server = self.start({"clients": {CLIENT_ID: SECRET}, "scope": SCOPE})
        # The exact headers: "attsync-client:the+secret" and "attsync-client:the%20secret".
        plus = "Basic " + base64.b64encode(b"attsync-client:the+secret").decode()
        pct = "Basic " + base64.b64encode(b"attsync-client:the%20secret").decode()
        self.assertEqual(plus, basic(CLIENT_ID, SECRET, form_encode))
        self.assertEqual(pct, basic(CLIENT_ID, SECRET, percent_encode))

        status, headers, answer = authlib_server.token_request(GRANT, plus)
        self.assertEqual((status, answer["error"]), (401, "invalid_client"), "Authlib, '+'")
        self.assertTrue(headers["WWW-Authenticate"].startswith("Basic "))
        status, _, answer = authlib_server.token_request(GRANT, pct)
        self.assertEqual((status, answer["token_type"]), (200, "Bearer"), "Authlib, '%20'")
        # What Authlib saw: the headers exactly as sent.
        self.assertEqual([r["headers"]["Authorization"] for r in authlib_server.records()],
                         [plus, pct])

        standin = self.start_standin(SECRET)
        self.assertEqual(standin.token_request(GRANT, plus)[0], 200, "stand-in, '+'")
        self.assertEqual(standin.token_request(GRANT, pct)[0], 200, "stand-in, '%20'")

    def test_decoding_matrix(self) -> None:
        """form = quote_plus (space '+', '+' '%2B'), percent = quote (space '%20'), raw = no
        encoding at all. 200 accepted, 401 rejected."""
        expected = {
            # secret:       (Authlib,                                    stand-in)
            "the secret": ({"form": 401, "percent": 200, "raw": 200},
                           {"form": 200, "percent": 200, "raw": 200}),
            "a+b":        ({"form": 200, "percent": 200, "raw": 200},
                           {"form": 200, "percent": 200, "raw": 401}),
            "50%off":     ({"form": 200, "percent": 200, "raw": 200},
                           {"form": 200, "percent": 200, "raw": 200}),
            "a%20b":      ({"form": 200, "percent": 200, "raw": 401},
                           {"form": 200, "percent": 200, "raw": 401}),
            "k:v":        ({"form": 200, "percent": 200, "raw": 200},
                           {"form": 200, "percent": 200, "raw": 200}),
            "wörd":       ({"form": 200, "percent": 200, "raw": 200},
                           {"form": 200, "percent": 200, "raw": 200}),
        }
        observed = {}
        for secret in expected:
            authlib_server = self.start({"clients": {CLIENT_ID: secret}, "scope": SCOPE},
                                        record=False)
            standin = self.start_standin(secret)
            observed[secret] = (self.outcomes(authlib_server, secret),
                                self.outcomes(standin, secret))
        self.assertEqual(observed, expected)


if __name__ == "__main__":
    unittest.main()
