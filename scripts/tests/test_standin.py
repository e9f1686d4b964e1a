"""Tests of the DfE stand-in (scripts/dfe_standin.py) and of scripts/make-test-certs.sh.

Standard library only. Run from the repository root:

    python3 -m unittest discover -s scripts/tests -v

Certificates are generated once into a temporary directory; each test starts its own stand-in
process (so fault lists, counters and the record start fresh) and stops it with SIGTERM, checking
that it exits 0.
"""

from __future__ import annotations

import base64
import concurrent.futures
import errno
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent.parent
STANDIN = SCRIPTS / "dfe_standin.py"
MAKE_CERTS = SCRIPTS / "make-test-certs.sh"

CLIENT_ID = "attsync-client"
SECRET = "the secret"
SUB_KEY = "sub-key-123"
SCOPE = "api://attendance/.default"

CERTS: Path  # set in setUpModule
_module_tmp: tempfile.TemporaryDirectory


def setUpModule() -> None:
    global CERTS, _module_tmp
    _module_tmp = tempfile.TemporaryDirectory(prefix="standin-certs-")
    CERTS = Path(_module_tmp.name) / "certs"
    subprocess.run(["bash", str(MAKE_CERTS), str(CERTS)], check=True, capture_output=True)


def tearDownModule() -> None:
    _module_tmp.cleanup()


def base_config(**overrides: Any) -> dict:
    config = {
        "clients": {CLIENT_ID: SECRET},
        "subscriptionKey": SUB_KEY,
        "scope": SCOPE,
        "knownUrns": ["100000", "100001"],
        "tokenLifetimeSeconds": 3599,
        "expiresInAsString": False,
        "faults": {},
    }
    config.update(overrides)
    return config


def canonical(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def element(date: str, group: str = "7", session: str = "AM", **marks: int) -> dict:
    marks = marks or {"/": 230, "I": 4}
    return {"ncYearGroup": group, "date": date, "schoolSession": session, "noOfPupilsOnRoll": 240,
            "attendances": [{"attendanceCode": c, "value": v} for c, v in marks.items()]}


def submission(*elements: dict, urn: Any = 100000) -> dict:
    return {"urn": urn, "totalNoOfPupils": 1203,
            "submissionData": list(elements) or [element("2026-11-27")]}


def idempotency_key(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest() + '"'


class Standin:
    """One stand-in process with its own directory (config, record, port file)."""

    def __init__(self, config: dict, cert: str = "server", http: bool = False) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="standin-"))
        self.config_path = self.dir / "config.json"
        self.config_path.write_text(json.dumps(config))
        self.record_path = self.dir / "record.jsonl"
        self.stderr_path = self.dir / "stderr.log"
        self.http = http
        port_file = self.dir / "port"
        command = [sys.executable, str(STANDIN), "--cert", str(CERTS / f"{cert}.pem"),
                   "--key", str(CERTS / f"{cert}.key"), "--config", str(self.config_path),
                   "--record", str(self.record_path), "--port-file", str(port_file)]
        if http:
            command.append("--http")
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + 10
        while not port_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"stand-in exited {self.process.returncode}: {self.stderr()}")
            if time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError("stand-in did not start")
            time.sleep(0.01)
        self.port = int(port_file.read_text())
        self.context = ssl.create_default_context(cafile=str(CERTS / "ca.pem"))

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

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.record_path.read_text().splitlines()]

    def store(self) -> dict:
        return json.loads(Path(str(self.record_path) + ".store.json").read_text())

    # -- HTTP helpers --------------------------------------------------------------------------

    def connection(self, timeout: float = 5) -> http.client.HTTPConnection:
        if self.http:
            return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                           context=self.context)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None, timeout: float = 5) -> tuple[int, Any, bytes]:
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def token_request(self, form: dict | None = None, basic: tuple[str, str] | None = None,
                      headers: dict | None = None) -> tuple[int, Any, dict]:
        """POST /token. form defaults to client_secret_post with the good credentials."""
        if form is None:
            form = {"grant_type": "client_credentials", "scope": SCOPE,
                    "client_id": CLIENT_ID, "client_secret": SECRET}
        all_headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "Accept": "application/json"}
        if basic is not None:
            encoded = ":".join(urllib.parse.quote_plus(part, safe="") for part in basic)
            all_headers["Authorization"] = "Basic " + base64.b64encode(encoded.encode()).decode()
        all_headers.update(headers or {})
        status, response_headers, body = self.request(
            "POST", "/token", urllib.parse.urlencode(form).encode(), all_headers)
        return status, response_headers, json.loads(body)

    def token(self) -> str:
        status, _, body = self.token_request()
        assert status == 200, body
        return body["access_token"]

    def contract_headers(self, token: str, body: bytes) -> dict:
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                "Ocp-Apim-Subscription-Key": SUB_KEY, "api-client-app-id": CLIENT_ID,
                "api-client-session-id": str(uuid.uuid4()),
                "Idempotency-Key": idempotency_key(body), "User-Agent": "attsync/test"}

    def submit(self, body: Any, token: str | None = None, drop: tuple = (),
               **header_overrides: str) -> tuple[int, Any, Any]:
        """POST /attendances with the contract headers; body is a dict (serialised) or bytes.
        drop removes headers; keyword arguments replace them (underscores become dashes)."""
        raw = body if isinstance(body, bytes) else canonical(body)
        headers = self.contract_headers(token or self.token(), raw)
        for name in drop:
            headers.pop(name)
        headers.update({k.replace("_", "-"): v for k, v in header_overrides.items()})
        status, response_headers, answer = self.request("POST", "/attendances", raw, headers)
        return status, response_headers, (json.loads(answer) if answer else None)

    def raw_tls(self, data: bytes, timeout: float = 5) -> bytes:
        """Send raw bytes over TLS and read until the server closes. Errors propagate."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as plain:
            with self.context.wrap_socket(plain, server_hostname="127.0.0.1") as tls:
                tls.sendall(data)
                received = b""
                while chunk := tls.recv(65536):
                    received += chunk
                return received


def raw_post(path: str, body: bytes, headers: dict) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
             "Connection: close"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class StandinTestCase(unittest.TestCase):
    def start(self, config: dict | None = None, **kwargs: Any) -> Standin:
        server = Standin(config if config is not None else base_config(), **kwargs)

        def stop() -> None:
            code = server.stop()
            try:
                self.assertEqual(code, 0, f"stand-in exit code; stderr:\n{server.stderr()}")
                self.assertNotIn("Traceback", server.stderr())
            finally:
                server.cleanup()
        self.addCleanup(stop)
        return server


# ------------------------------------------------------------------------------------------------


class CertificateScriptTests(unittest.TestCase):
    def test_files_written_with_private_keys(self) -> None:
        for name in ("ca", "other-ca", "server", "untrusted", "wronghost", "expired"):
            self.assertTrue((CERTS / f"{name}.pem").is_file(), name)
            self.assertEqual((CERTS / f"{name}.key").stat().st_mode & 0o077, 0, name)

    def test_openssl_verify_results(self) -> None:
        def verify(name: str) -> subprocess.CompletedProcess:
            return subprocess.run(["openssl", "verify", "-CAfile", str(CERTS / "ca.pem"),
                                   str(CERTS / f"{name}.pem")], capture_output=True, text=True)
        self.assertEqual(verify("server").returncode, 0)
        self.assertEqual(verify("wronghost").returncode, 0)  # chain fine, only the name is wrong
        untrusted, expired = verify("untrusted"), verify("expired")
        self.assertIn("unable to get local issuer certificate", untrusted.stdout + untrusted.stderr)
        self.assertIn("certificate has expired", expired.stdout + expired.stderr)

    def test_sans(self) -> None:
        def sans(name: str) -> str:
            return subprocess.run(["openssl", "x509", "-in", str(CERTS / f"{name}.pem"), "-noout",
                                   "-ext", "subjectAltName"], capture_output=True, text=True).stdout
        self.assertIn("DNS:localhost", sans("server"))
        self.assertIn("IP Address:127.0.0.1", sans("server"))
        self.assertIn("IP Address:0:0:0:0:0:0:0:1", sans("server"))
        self.assertIn("DNS:wrong-host.example", sans("wronghost"))
        self.assertNotIn("localhost", sans("wronghost"))

    def test_rerun_is_quiet_and_idempotent(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(2):
                result = subprocess.run(["bash", str(MAKE_CERTS), tmp], capture_output=True)
                self.assertEqual((result.returncode, result.stdout, result.stderr), (0, b"", b""))
            names = ("ca", "other-ca", "server", "untrusted", "wronghost", "expired")
            self.assertEqual(sorted(os.listdir(tmp)),
                             sorted(f"{n}.{e}" for n in names for e in ("pem", "key")))

    def test_usage(self) -> None:
        result = subprocess.run(["bash", str(MAKE_CERTS)], capture_output=True, text=True)
        self.assertEqual(result.returncode, 64)
        self.assertIn("usage", result.stderr)


class TlsTests(StandinTestCase):
    def assert_refused(self, cert: str, verify_code: int, hostname: str = "127.0.0.1") -> None:
        server = self.start(cert=cert)
        with self.assertRaises(ssl.SSLCertVerificationError) as caught:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain:
                server.context.wrap_socket(plain, server_hostname=hostname).close()
        self.assertEqual(caught.exception.verify_code, verify_code, caught.exception)
        with self.assertRaises(ssl.SSLCertVerificationError):
            server.request("GET", "/codes/attendance")  # the same through http.client
        self.assertEqual(server.records(), [], "nothing reaches HTTP when the handshake fails")

    def test_untrusted_certificate_refused(self) -> None:
        self.assert_refused("untrusted", 20)  # unable to get local issuer certificate

    def test_wrong_host_refused(self) -> None:
        self.assert_refused("wronghost", 62, hostname="localhost")  # hostname mismatch
        self.assert_refused("wronghost", 64)  # IP address mismatch

    def test_expired_certificate_refused(self) -> None:
        self.assert_refused("expired", 10)  # certificate has expired

    def test_localhost_name_verifies(self) -> None:
        server = self.start()
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain:
            with server.context.wrap_socket(plain, server_hostname="localhost") as tls:
                self.assertGreaterEqual(tls.version(), "TLSv1.2")

    @unittest.skipUnless(shutil.which("curl"), "curl not installed")
    def test_curl_with_cacert(self) -> None:
        expectations = {"server": 0, "untrusted": 60, "wronghost": 60, "expired": 60}
        for cert, expected in expectations.items():
            with self.subTest(cert=cert):
                server = self.start(cert=cert)
                result = subprocess.run(
                    ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                     str(CERTS / "ca.pem"), f"https://localhost:{server.port}/codes/attendance"],
                    capture_output=True, text=True, timeout=10)
                self.assertEqual(result.returncode, expected, result.stderr)
                if expected == 0:
                    self.assertEqual(result.stdout, "401")  # reached the API, no token

    def test_plain_http_mode(self) -> None:
        server = self.start(http=True)
        self.assertEqual(server.token_request()[0], 200)


class TokenTests(StandinTestCase):
    def assert_oauth_error(self, result: tuple, status: int, code: str) -> None:
        got_status, headers, body = result
        self.assertEqual((got_status, body["error"]), (status, code), body)
        self.assertEqual(headers["Cache-Control"], "no-store")
        if status == 401:
            self.assertEqual(headers["WWW-Authenticate"], 'Basic realm="standin"')

    def test_client_secret_post(self) -> None:
        server = self.start()
        status, headers, body = server.token_request()
        self.assertEqual(status, 200)
        self.assertEqual(body["token_type"], "Bearer")
        self.assertEqual(body["expires_in"], 3599)
        self.assertRegex(body["access_token"], r"^[A-Za-z0-9_-]{20,}$")
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertNotIn(body["access_token"], server.stderr())
        self.assertNotIn(SECRET, server.stderr())

    def test_client_secret_basic(self) -> None:
        server = self.start()
        status, _, body = server.token_request(
            {"grant_type": "client_credentials", "scope": SCOPE}, basic=(CLIENT_ID, SECRET))
        self.assertEqual(status, 200, body)

    def test_special_characters_in_id_and_secret(self) -> None:
        client_id, secret = "id +%:/= x", "se+cr%et:/= y:z"
        server = self.start(base_config(clients={client_id: secret}))
        form = {"grant_type": "client_credentials", "scope": SCOPE}
        with self.subTest("client_secret_basic"):
            self.assertEqual(server.token_request(form, basic=(client_id, secret))[0], 200)
        with self.subTest("client_secret_post"):
            post = dict(form, client_id=client_id, client_secret=secret)
            self.assertEqual(server.token_request(post)[0], 200)
        with self.subTest("Basic without form-encoding the halves fails"):
            raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
            result = server.token_request(form, headers={"Authorization": f"Basic {raw}"})
            self.assert_oauth_error(result, 401, "invalid_client")

    def test_both_methods_at_once(self) -> None:
        server = self.start()
        form = {"grant_type": "client_credentials", "scope": SCOPE,
                "client_id": CLIENT_ID, "client_secret": SECRET}
        self.assert_oauth_error(server.token_request(form, basic=(CLIENT_ID, SECRET)),
                                400, "invalid_request")

    def test_client_errors(self) -> None:
        server = self.start()
        cases = {
            "wrong secret": dict(client_id=CLIENT_ID, client_secret="nope"),
            "unknown client": dict(client_id="someone", client_secret=SECRET),
            "no authentication": {},
            "no secret": dict(client_id=CLIENT_ID),
        }
        for name, credentials in cases.items():
            with self.subTest(name):
                form = dict(grant_type="client_credentials", scope=SCOPE, **credentials)
                self.assert_oauth_error(server.token_request(form), 401, "invalid_client")
        with self.subTest("wrong secret, basic"):
            self.assert_oauth_error(
                server.token_request({"grant_type": "client_credentials", "scope": SCOPE},
                                     basic=(CLIENT_ID, "nope")), 401, "invalid_client")

    def test_request_errors(self) -> None:
        server = self.start()
        good = {"grant_type": "client_credentials", "scope": SCOPE,
                "client_id": CLIENT_ID, "client_secret": SECRET}
        cases = [
            ("unsupported grant", dict(good, grant_type="password"), 400, "unsupported_grant_type"),
            ("missing grant", {k: v for k, v in good.items() if k != "grant_type"},
             400, "invalid_request"),
            ("wrong scope", dict(good, scope="api://other/.default"), 400, "invalid_scope"),
            ("missing scope", {k: v for k, v in good.items() if k != "scope"},
             400, "invalid_scope"),
        ]
        for name, form, status, code in cases:
            with self.subTest(name):
                self.assert_oauth_error(server.token_request(form), status, code)
        with self.subTest("JSON body"):
            self.assert_oauth_error(
                server.token_request(good, headers={"Content-Type": "application/json"}),
                400, "invalid_request")
        with self.subTest("repeated parameter"):
            body = urllib.parse.urlencode(good).encode() + b"&grant_type=client_credentials"
            status, _, answer = server.request(
                "POST", "/token", body, {"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual((status, json.loads(answer)["error"]), (400, "invalid_request"))

    def test_any_scope_when_not_configured_and_expires_in_as_string(self) -> None:
        server = self.start(base_config(scope=None, expiresInAsString=True,
                                        tokenLifetimeSeconds=60))
        status, _, body = server.token_request({"grant_type": "client_credentials",
                                                "client_id": CLIENT_ID, "client_secret": SECRET})
        self.assertEqual((status, body["expires_in"]), (200, "60"))


class SubmissionTests(StandinTestCase):
    def test_accepted_with_contract_headers(self) -> None:
        server = self.start()
        token = server.token()
        body = canonical(submission(element("2026-11-27"), element("2026-11-27", session="PM")))
        status, headers, answer = server.submit(body, token)
        self.assertEqual((status, answer), (201, {"submissionRef": "SUB-1", "errors": []}))
        self.assertEqual(int(headers["Content-Length"]), len(canonical(answer)))

        record = server.records()[-1]
        self.assertEqual((record["method"], record["path"], record["status"]),
                         ("POST", "/attendances", 201))
        self.assertEqual((record["bodyEncoding"], record["body"].encode("utf-8")), ("utf-8", body))
        self.assertEqual(record["headers"]["Idempotency-Key"], idempotency_key(body))
        self.assertEqual(record["headers"]["Authorization"], f"Bearer {token}")
        self.assertEqual(record["submissionRef"], "SUB-1")
        self.assertEqual([r["seq"] for r in server.records()], [1, 2])

        stored = server.store()["100000"]["2026-11-27"]
        self.assertEqual(stored["submissionRef"], "SUB-1")
        self.assertEqual(stored["submissionData"], json.loads(body)["submissionData"])

    def test_bearer_token_required(self) -> None:
        server = self.start(base_config(tokenLifetimeSeconds=0))
        body = canonical(submission())
        for name, token in {"unknown": "not-a-token", "expired": server.token()}.items():
            with self.subTest(name):
                status, headers, _ = server.submit(body, token)
                self.assertEqual(status, 401)
                self.assertTrue(
                    headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"'))
        with self.subTest("missing"):
            status, headers, _ = server.submit(body, "x", drop=("Authorization",))
            self.assertEqual(status, 401)
            self.assertIn('error="invalid_token"', headers["WWW-Authenticate"])
        self.assertEqual(server.store(), {})

    def test_subscription_key(self) -> None:
        server = self.start()
        token = server.token()
        for name, kwargs in {"missing": {"drop": ("Ocp-Apim-Subscription-Key",)},
                             "wrong": {"Ocp-Apim-Subscription-Key": "nope"}}.items():
            with self.subTest(name):
                status, _, answer = server.submit(submission(), token, **kwargs)
                self.assertEqual((status, answer), (401, {
                    "statusCode": 401,
                    "message": "Access denied due to missing or invalid subscription key."}))

    def test_header_errors(self) -> None:
        server = self.start()
        token = server.token()
        body = submission()
        cases = [
            ("content type", {"Content_Type": "text/plain"}, (), 415, "UNSUPPORTED_MEDIA_TYPE"),
            ("no app id", {}, ("api-client-app-id",), 400, "MISSING_HEADER"),
            ("other app id", {"api_client_app_id": "other"}, (), 400, "INVALID_HEADER"),
            ("no session id", {}, ("api-client-session-id",), 400, "MISSING_HEADER"),
            ("session id not a UUID", {"api_client_session_id": "1234"}, (), 400, "INVALID_HEADER"),
            ("no idempotency key", {}, ("Idempotency-Key",), 400, "MISSING_HEADER"),
            ("unquoted key", {"Idempotency_Key": hashlib.sha256(canonical(body)).hexdigest()}, (),
             400, "IDEMPOTENCY_KEY_MALFORMED"),
        ]
        for name, overrides, drop, status, code in cases:
            with self.subTest(name):
                got_status, _, answer = server.submit(body, token, drop=drop, **overrides)
                self.assertEqual((got_status, answer["errors"][0]["code"]), (status, code))
                if code == "MISSING_HEADER":
                    self.assertIn(drop[0], answer["errors"][0]["detail"])
        with self.subTest("a key used before with another body"):
            other = submission(element("2026-11-26"))
            reused = idempotency_key(b"a key of its own")
            self.assertEqual(server.submit(other, token, Idempotency_Key=reused)[0], 201)
            got_status, _, answer = server.submit(body, token, Idempotency_Key=reused)
            self.assertEqual((got_status, answer["errors"][0]["code"]), (422, "IDEMPOTENCY_KEY_REUSED"))
        with self.subTest("charset parameter allowed, key in upper case"):
            key = idempotency_key(canonical(body)).upper()
            status, _, _ = server.submit(body, token, Idempotency_Key=key,
                                         Content_Type="application/json; charset=utf-8")
            self.assertEqual(status, 201)

    def test_body_not_json(self) -> None:
        server = self.start()
        for raw in (b"{not json", b"", b"\xff\xfe{}", b'{"urn": NaN}', b'{"urn": 1e400}',
                    b"[" * 100000 + b"]" * 100000):
            with self.subTest(raw=raw):
                status, _, answer = server.submit(raw)
                self.assertEqual(status, 400)
                self.assertEqual(answer["errors"][0]["code"], "INVALID_JSON")
                self.assertEqual(answer["errors"][0]["path"], "$")
        last = server.records()[-1]
        self.assertEqual(last["bodyEncoding"], "utf-8")
        non_utf8 = [r for r in server.records() if r["bodyEncoding"] == "base64"]
        self.assertEqual(base64.b64decode(non_utf8[0]["body"]), b"\xff\xfe{}")

    def test_urn_errors(self) -> None:
        server = self.start()
        token = server.token()
        no_urn = submission()
        del no_urn["urn"]
        cases = [("missing", no_urn, "VAL100")]
        cases += [(f"malformed {urn!r}", submission(urn=urn), "VAL101")
                  for urn in (99999, 1000000, "100000", 100000.5, -100000, True)]
        cases += [("unknown", submission(urn=123456), "VAL102")]
        for name, body, code in cases:
            with self.subTest(name):
                status, _, answer = server.submit(body, token)
                self.assertEqual(status, 400)
                self.assertEqual([(e["code"], e["path"]) for e in answer["errors"]],
                                 [(code, "$.urn")])
        self.assertEqual(server.store(), {})

    def test_structural_errors(self) -> None:
        server = self.start()
        token = server.token()
        good = element("2026-11-27")

        def variant(**changes: Any) -> dict:
            return submission(dict(good, **changes))
        bad_value = dict(good, attendances=[{"attendanceCode": "/", "value": 1.5}])
        no_data = submission()
        del no_data["submissionData"]
        cases = [
            ("not an object", [], "VAL110", "$"),
            ("submissionData missing", no_data, "VAL111", "$.submissionData"),
            ("element not an object", submission(1), "VAL112", "$.submissionData[0]"),
            ("date malformed", variant(date="27/11/2026"), "VAL113", "$.submissionData[0].date"),
            ("date not real", variant(date="2026-02-30"), "VAL113", "$.submissionData[0].date"),
            ("session", variant(schoolSession="EVENING"), "VAL114",
             "$.submissionData[0].schoolSession"),
            ("attendances not array", variant(attendances={}), "VAL115",
             "$.submissionData[0].attendances"),
            ("value not integer", submission(bad_value), "VAL116",
             "$.submissionData[0].attendances[0].value"),
            ("code missing", variant(attendances=[{"value": 1}]), "VAL117",
             "$.submissionData[0].attendances[0].attendanceCode"),
            ("year group not string", variant(ncYearGroup=7), "VAL118",
             "$.submissionData[0].ncYearGroup"),
            ("total not integer", dict(submission(), totalNoOfPupils="1203"), "VAL119",
             "$.totalNoOfPupils"),
            ("duplicate element", submission(good, good), "VAL120", "$.submissionData[1]"),
            ("duplicate code", variant(attendances=[{"attendanceCode": "I", "value": 1}] * 2),
             "VAL121", "$.submissionData[0].attendances[1].attendanceCode"),
        ]
        for name, body, code, path in cases:
            with self.subTest(name):
                status, _, answer = server.submit(body, token)
                self.assertEqual(status, 400, answer)
                self.assertIn((code, path), [(e["code"], e["path"]) for e in answer["errors"]])
                for e in answer["errors"]:
                    self.assertEqual(set(e), {"code", "title", "detail", "path"})
        self.assertEqual(server.store(), {})

    def test_soft_errors_accepted(self) -> None:
        server = self.start()
        elements = [element("2026-11-27", "7", **{"/": 5}),
                    element("2026-11-27", "8", **{"/": 5, "I": 1}),
                    element("2026-11-27", "M", **{"/": 5}),
                    element("2026-11-27", "9", **{"/": 5, "ZZ": 2, "B2": -1})]
        status, _, answer = server.submit(submission(*elements))
        self.assertEqual(status, 201)
        self.assertEqual(answer["submissionRef"], "SUB-1")
        self.assertEqual([(e["code"], e["detail"], e["path"]) for e in answer["errors"]], [
            ("VAL103", "M", "$.submissionData[2].ncYearGroup"),
            ("VAL104", "ZZ", "$.submissionData[3].attendances[1].attendanceCode"),
            ("VAL104", "B2", "$.submissionData[3].attendances[2].attendanceCode"),
            ("VAL105", "-1", "$.submissionData[3].attendances[2].value"),
        ])
        self.assertEqual(len(server.store()["100000"]["2026-11-27"]["submissionData"]), 4)

    def test_lone_surrogate_code_is_a_soft_error(self) -> None:
        server = self.start()
        raw = canonical(submission(element("2026-11-27", **{"/": 1}))).replace(b'"/"', b'"\\ud800"')
        status, _, answer = server.submit(raw)
        self.assertEqual((status, answer["errors"][0]["code"]), (201, "VAL104"), answer)
        self.assertEqual(answer["errors"][0]["detail"], "\ud800")
        self.assertIn("2026-11-27", server.store()["100000"])

    def test_both_code_sets_valid(self) -> None:
        server = self.start()
        marks = {c: 1 for c in ("/", "\\", "K", "C1", "J1", "C2", "Q", "Y7", "#", "J", "H", "Y")}
        status, _, answer = server.submit(submission(element("2024-08-19", **marks)))
        self.assertEqual((status, answer["errors"]), (201, []))

    def test_idempotent_repeat(self) -> None:
        server = self.start()
        token = server.token()
        body = submission(element("2026-11-27", **{"/": 1, "ZZ": 1}))
        first = server.submit(body, token)
        second = server.submit(body, token)
        self.assertEqual(first[0], 201)
        self.assertEqual(first[2], second[2])
        self.assertEqual(first[2]["submissionRef"], "SUB-1")
        self.assertTrue(server.records()[-1]["idempotentReplay"])
        other = server.submit(submission(element("2026-11-28")), token)
        self.assertEqual(other[2]["submissionRef"], "SUB-2", "the replay created no submission")

    def test_concurrent_repeats_make_one_submission(self) -> None:
        server = self.start()
        token = server.token()
        body = submission()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: server.submit(body, token), range(8)))
        self.assertEqual({(status, answer["submissionRef"]) for status, _, answer in answers},
                         {(201, "SUB-1")})
        self.assertEqual(sum(1 for r in server.records() if r.get("idempotentReplay")), 7)

    def test_replacement_semantics(self) -> None:
        server = self.start()
        token = server.token()
        server.submit(submission(element("2026-11-26", **{"/": 10}),
                                 element("2026-11-27", **{"/": 10}),
                                 element("2026-11-27", "8", **{"/": 3})), token)
        server.submit(submission(element("2026-11-27", **{"/": 7}),
                                 element("2026-11-28", **{"/": 9})), token)
        server.submit(submission(element("2026-11-27", **{"/": 1}), urn=100001), token)
        store = server.store()
        school = store["100000"]
        self.assertEqual(list(school), ["2026-11-26", "2026-11-27", "2026-11-28"])
        self.assertEqual(school["2026-11-26"]["submissionRef"], "SUB-1")
        self.assertEqual(school["2026-11-27"]["submissionRef"], "SUB-2")
        # Replaced, not added: year 8 from SUB-1 is gone and "/" is 7, not 17.
        self.assertEqual(school["2026-11-27"]["submissionData"],
                         [element("2026-11-27", **{"/": 7})])
        self.assertEqual(store["100001"]["2026-11-27"]["submissionRef"], "SUB-3")

    def test_codes_endpoints(self) -> None:
        server = self.start()
        token = server.token()
        headers = {"Authorization": f"Bearer {token}", "Ocp-Apim-Subscription-Key": SUB_KEY}
        status, _, body = server.request("GET", "/codes/attendance", headers=headers)
        codes = json.loads(body)
        self.assertEqual(status, 200)
        self.assertEqual(codes[0], {"attendanceCode": "/", "attendanceDescription": codes[0][
            "attendanceDescription"]})
        self.assertEqual(len(codes), 37)
        status, _, body = server.request("GET", "/codes/ncyeargroup", headers=headers)
        groups = [g["ncYearGroup"] for g in json.loads(body)]
        self.assertEqual(groups, ["E1", "E2", "N1", "N2", "R"] + [str(n) for n in range(1, 15)]
                         + ["X"])
        self.assertEqual(server.request("GET", "/codes/attendance")[0], 401)
        self.assertEqual(server.request("GET", "/codes/attendance", headers={
            "Authorization": f"Bearer {token}"})[0], 401)

    def test_unknown_path_and_method(self) -> None:
        server = self.start()
        self.assertEqual(server.request("GET", "/nothing")[0], 404)
        status, headers, _ = server.request("GET", "/attendances")
        self.assertEqual((status, headers["Allow"]), (405, "POST"))
        self.assertEqual(server.request("PATCH", "/codes/ncyeargroup")[0], 405)
        self.assertEqual(server.request("BREW", "/token")[0], 405)
        status, headers, body = server.request("HEAD", "/token")
        self.assertEqual((status, body), (405, b""))

    def test_bad_input_does_not_crash(self) -> None:
        server = self.start()
        idle = socket.create_connection(("127.0.0.1", server.port))  # never starts TLS
        self.addCleanup(idle.close)
        with self.subTest("garbage request line"):
            self.assertIn(b" 400 ", server.raw_tls(b"\x00\x01 garbage\r\n\r\n"))
        with self.subTest("invalid Content-Length"):
            reply = server.raw_tls(b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n")
            self.assertTrue(reply.startswith(b"HTTP/1.1 400 "), reply)
        with self.subTest("too large"):
            reply = server.raw_tls(b"POST /attendances HTTP/1.1\r\nHost: x\r\n"
                                   b"Content-Length: 999999999\r\n\r\n")
            self.assertTrue(reply.startswith(b"HTTP/1.1 413 "), reply)
        with self.subTest("plain HTTP to the TLS port"):
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                try:
                    s.recv(100)
                except ConnectionResetError:
                    pass
        with self.subTest("chunked body"):
            form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": SCOPE,
                                           "client_id": CLIENT_ID, "client_secret": SECRET})
            first, rest = form[:10], form[10:]
            chunks = f"{len(first):x}\r\n{first}\r\n{len(rest):x}\r\n{rest}\r\n0\r\n\r\n"
            reply = server.raw_tls(
                b"POST /token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Transfer-Encoding: chunked\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + chunks.encode())
            self.assertTrue(reply.startswith(b"HTTP/1.1 200 "), reply)
            self.assertEqual(server.records()[-1]["body"], form)
        self.assertEqual(server.token_request()[0], 200, "still serving")

    def test_keep_alive(self) -> None:
        server = self.start()
        conn = server.connection()
        try:
            for _ in range(3):
                conn.request("GET", "/nothing")
                response = conn.getresponse()
                response.read()
                self.assertEqual(response.status, 404)
        finally:
            conn.close()


class FaultTests(StandinTestCase):
    def start_with_faults(self, **faults: list) -> Standin:
        return self.start(base_config(faults=faults))

    def assert_reset(self, server: Standin, body: dict, token: str) -> None:
        """POST over TLS and check the server answers with a TCP RST and no response.

        Python's TLS layer reports an RST like an unexpected EOF, so after sending the request
        through TLS the test reads the underlying TCP stream directly: an RST gives ECONNRESET,
        an orderly close would give b"" (any bytes before that would be TLS records)."""
        raw = canonical(body)
        request = raw_post("/attendances", raw, server.contract_headers(token, raw))
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain:
            with server.context.wrap_socket(plain, server_hostname="127.0.0.1") as tls:
                tls.sendall(request)
                with socket.socket(fileno=os.dup(tls.fileno())) as tcp:
                    tcp.settimeout(5)
                    with self.assertRaises(ConnectionResetError) as caught:
                        while tcp.recv(65536):
                            pass
        self.assertEqual(caught.exception.errno, errno.ECONNRESET)

    def test_status_fault_then_normal(self) -> None:
        fault = {"status": 503, "headers": {"Retry-After": "2"}, "body": {"message": "busy"}}
        server = self.start_with_faults(attendances=[fault])
        token = server.token()
        status, headers, answer = server.submit(submission(), token)
        self.assertEqual((status, headers["Retry-After"], answer), (503, "2", {"message": "busy"}))
        self.assertEqual(server.store(), {})
        status, _, answer = server.submit(submission(), token)
        self.assertEqual((status, answer["submissionRef"]), (201, "SUB-1"))
        records = server.records()
        self.assertEqual([(r["status"], r["fault"]) for r in records[1:]],
                         [(503, fault), (201, None)])
        self.assertEqual(records[1]["body"], records[2]["body"])

    def test_token_faults(self) -> None:
        server = self.start_with_faults(token=[
            {"status": 200, "body": "<html>garbage"},
            {"status": 200},
            {"status": 302, "headers": {"Location": "http://elsewhere.example/token"}},
            {"kind": "normal"},
        ])
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": SCOPE,
                                       "client_id": CLIENT_ID, "client_secret": SECRET}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self.assertEqual(server.request("POST", "/token", form, headers)[::2],
                         (200, b"<html>garbage"))
        self.assertEqual(server.request("POST", "/token", form, headers)[::2], (200, b""))
        status, response_headers, _ = server.request("POST", "/token", form, headers)
        self.assertEqual((status, response_headers["Location"]),
                         (302, "http://elsewhere.example/token"))
        self.assertEqual(server.token_request()[0], 200)
        self.assertEqual(server.token_request()[0], 200)

    def test_codes_fault(self) -> None:
        server = self.start_with_faults(codes=[{"status": 500, "body": {"message": "oops"}}])
        token = server.token()
        headers = {"Authorization": f"Bearer {token}", "Ocp-Apim-Subscription-Key": SUB_KEY}
        self.assertEqual(server.request("GET", "/codes/ncyeargroup", headers=headers)[::2],
                         (500, b'{"message":"oops"}'))
        self.assertEqual(server.request("GET", "/codes/ncyeargroup", headers=headers)[0], 200)

    def test_normal_then_fault(self) -> None:
        server = self.start_with_faults(attendances=[{"kind": "normal"}, {"status": 410}])
        token = server.token()
        self.assertEqual(server.submit(submission(), token)[0], 201)
        self.assertEqual(server.submit(submission(element("2026-11-28")), token)[0], 410)

    def test_accept_then_reset(self) -> None:
        server = self.start_with_faults(attendances=[{"kind": "acceptThenReset"}])
        token = server.token()
        body = submission()
        self.assert_reset(server, body, token)
        self.assertEqual(server.store()["100000"]["2026-11-27"]["submissionRef"], "SUB-1")
        record = server.records()[-1]
        self.assertEqual((record["status"], record["suppressedStatus"]), (None, 201))
        # The client retries with the same key: the same submission, nothing new.
        status, _, answer = server.submit(body, token)
        self.assertEqual((status, answer["submissionRef"]), (201, "SUB-1"))

    def test_accept_then_stall(self) -> None:
        server = self.start_with_faults(attendances=[{"kind": "acceptThenStall", "seconds": 1}])
        token = server.token()
        with self.assertRaises(TimeoutError):
            server.request("POST", "/attendances", canonical(submission()),
                           server.contract_headers(token, canonical(submission())), timeout=0.3)
        self.assertEqual(server.store()["100000"]["2026-11-27"]["submissionRef"], "SUB-1")
        self.assertIsNone(server.records()[-1]["status"])

    def test_reset(self) -> None:
        server = self.start_with_faults(attendances=[{"kind": "reset"}])
        token = server.token()
        self.assert_reset(server, submission(), token)
        self.assertEqual(server.store(), {})
        record = server.records()[-1]
        self.assertEqual((record["status"], record["fault"]), (None, {"kind": "reset"}))
        self.assertEqual(server.submit(submission(), token)[2]["submissionRef"], "SUB-1")

    def test_soft_errors_fault(self) -> None:
        injected = {"code": "VAL104", "title": "Invalid attendance code", "detail": "ZZ",
                    "path": "$.submissionData[3].attendances[1].attendanceCode"}
        server = self.start_with_faults(attendances=[{"kind": "softErrors", "errors": [injected]}])
        token = server.token()
        status, _, answer = server.submit(submission(), token)
        self.assertEqual((status, answer), (201, {"submissionRef": "SUB-1", "errors": [injected]}))
        self.assertIn("2026-11-27", server.store()["100000"])
        self.assertEqual(server.submit(submission(), token)[2]["errors"], [injected], "replay")

    def test_delay(self) -> None:
        server = self.start_with_faults(token=[{"kind": "delay", "seconds": 0.2}])
        started = time.monotonic()
        self.assertEqual(server.token_request()[0], 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.2)

    def test_reload_on_sighup(self) -> None:
        server = self.start()
        server.config_path.write_text(json.dumps(base_config(faults={"token": [{"status": 429}]})))
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while "configuration reloaded" not in server.stderr() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(server.request("POST", "/token", b"", {})[0], 429)
        self.assertEqual(server.token_request()[0], 200)

    def test_bad_config_refused(self) -> None:
        for config in ({"clients": {}}, base_config(faults={"attendances": [{"kind": "explode"}]}),
                       dict(base_config(), typo=1)):
            with self.subTest(config=config):
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "config.json"
                    path.write_text(json.dumps(config))
                    result = subprocess.run(
                        [sys.executable, str(STANDIN), "--cert", str(CERTS / "server.pem"),
                         "--key", str(CERTS / "server.key"), "--config", str(path),
                         "--record", str(Path(tmp) / "r"), "--port-file", str(Path(tmp) / "p")],
                        capture_output=True, text=True, timeout=10)
                    self.assertEqual(result.returncode, 2)
                    self.assertIn("configuration", result.stderr)
                    self.assertFalse((Path(tmp) / "p").exists())


# ------------------------------------------------------------------------------------------------
# Hostile fault kinds: each test talks to the real server over TLS and checks the bytes.

# The documented default of controlChars (dfe_standin.py docstring), spelled out independently.
CONTROL_TEXT = ("\x1b[2J\x1b[31mDfE\x1b[0m\r\n\u2713 accepted SUB-999\r\nbare\nLF\x07\x00\x9b31m"
                "\u202eend")


def raw_request(method: str, path: str, body: bytes = b"", headers: dict | None = None,
                close: bool = True) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    if close:
        lines.append("Connection: close")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def token_form(secret: str = SECRET) -> bytes:
    return urllib.parse.urlencode({"grant_type": "client_credentials", "scope": SCOPE,
                                   "client_id": CLIENT_ID, "client_secret": secret}).encode()


FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def split_response(data: bytes) -> tuple[int, dict, bytes]:
    """Status, headers (lower-case names) and body of one complete HTTP/1.1 response in bytes
    (the body is what follows the header block, whatever its framing)."""
    head, sep, body = data.partition(b"\r\n\r\n")
    assert sep, f"no end of headers in {data[:200]!r}"
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


class HostileFaultTests(StandinTestCase):
    def start_with_faults(self, **faults: list) -> Standin:
        return self.start(base_config(faults=faults))

    def exchange(self, server: Standin, data: bytes, timeout: float = 10) -> tuple[list, str]:
        """Send raw bytes over TLS; read until the server ends the stream. Returns the chunks as
        received (one TLS record's data at most per chunk) and how the stream ended: "notify"
        (TLS close_notify) or "eof" (TCP closed without close_notify: FIN, or an RST that
        Python's TLS layer reports as an EOF; the reset tests read TCP directly)."""
        with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as plain:
            with server.context.wrap_socket(plain, server_hostname="127.0.0.1",
                                            suppress_ragged_eofs=False) as tls:
                tls.sendall(data)
                chunks: list[bytes] = []
                try:
                    while chunk := tls.recv(65536):
                        chunks.append(chunk)
                    return chunks, "notify"
                except ssl.SSLEOFError:
                    return chunks, "eof"

    def tcp_after_tls(self, server: Standin, data: bytes) -> tuple[bytes, str]:
        """Send `data` through TLS, then read the raw TCP stream (TLS records, not decrypted):
        ("...", "reset") when it ends with an RST, ("...", "fin") when it ends with a FIN."""
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain:
            with server.context.wrap_socket(plain, server_hostname="127.0.0.1") as tls:
                tls.sendall(data)
                with socket.socket(fileno=os.dup(tls.fileno())) as tcp:
                    tcp.settimeout(5)
                    received = b""
                    try:
                        while chunk := tcp.recv(65536):
                            received += chunk
                    except ConnectionResetError:
                        return received, "reset"
                    return received, "fin"

    def attendances_request(self, server: Standin, token: str, body: dict,
                            close: bool = True) -> bytes:
        raw = canonical(body)
        return raw_request("POST", "/attendances", raw, server.contract_headers(token, raw), close)

    # -- truncatedHeaders ----------------------------------------------------------------------

    def test_truncated_headers(self) -> None:
        server = self.start_with_faults(
            attendances=[{"kind": "truncatedHeaders"}],
            token=[{"kind": "truncatedHeaders", "status": 503, "close": "notify"},
                   {"kind": "truncatedHeaders", "close": "reset"}])
        # Token endpoint first (the list is consumed in order): status 503, clean TLS close.
        chunks, end = self.exchange(server, raw_request("POST", "/token", token_form(),
                                                        FORM_HEADERS))
        self.assertEqual((b"".join(chunks), end), (b"HTTP/1.1 503 Service Unavailable\r\n",
                                                   "notify"))
        # Then with an RST: the client sees the connection reset.
        _, end = self.tcp_after_tls(server, raw_request("POST", "/token", token_form(),
                                                        FORM_HEADERS))
        self.assertEqual(end, "reset")
        # The submission: the status line of the normal answer, then FIN without close_notify.
        token = server.token()
        chunks, end = self.exchange(server, self.attendances_request(server, token,
                                                                     submission()))
        self.assertEqual((b"".join(chunks), end), (b"HTTP/1.1 201 Created\r\n", "eof"))
        # Normal handling ran: the submission is stored although the client got no answer.
        self.assertEqual(server.store()["100000"]["2026-11-27"]["submissionRef"], "SUB-1")
        records = server.records()
        self.assertEqual(len(records), 4, "every request recorded")
        self.assertEqual([(r["status"], r["responseComplete"], r.get("responseBytes"))
                          for r in records],
                         [(503, False, 34), (200, False, 17), (200, True, None),
                          (201, False, 22)])
        self.assertEqual((records[3]["suppressedStatus"], records[3]["submissionRef"],
                          records[3]["responseBody"]), (201, "SUB-1", None))
        # http.client's view of a status line without headers.
        conn = server.connection()
        try:
            self.assertEqual(self.retry_stored(server, conn, token), "replayed")
        finally:
            conn.close()

    def retry_stored(self, server: Standin, conn: http.client.HTTPConnection, token: str) -> str:
        """The client's retry with the same body and key gets the stored answer back."""
        raw = canonical(submission())
        conn.request("POST", "/attendances", raw, server.contract_headers(token, raw))
        response = conn.getresponse()
        answer = json.loads(response.read())
        self.assertEqual((response.status, answer["submissionRef"]), (201, "SUB-1"))
        return "replayed" if server.records()[-1].get("idempotentReplay") else "new"

    # -- truncatedBody -------------------------------------------------------------------------

    def test_truncated_body(self) -> None:
        server = self.start_with_faults(
            token=[{"kind": "truncatedBody"}],
            attendances=[{"kind": "normal"},
                         {"kind": "truncatedBody", "contentLength": 100, "bodyBytesSent": 5,
                          "close": "notify"}])
        # Default: the whole, valid body arrives, but Content-Length says 16 bytes more.
        chunks, end = self.exchange(server, raw_request("POST", "/token", token_form(),
                                                        FORM_HEADERS))
        status, headers, body = split_response(b"".join(chunks))
        self.assertEqual((status, end), (200, "eof"))
        self.assertEqual(int(headers["content-length"]), len(body) + 16)
        issued = json.loads(body)
        self.assertEqual(issued["token_type"], "Bearer")
        self.assertEqual(headers["cache-control"], "no-store")
        # The token was really issued (normal handling ran): it works.
        status, _, answer = server.submit(submission(), issued["access_token"])
        self.assertEqual((status, answer["submissionRef"]), (201, "SUB-1"))
        # http.client refuses such an answer.
        conn = server.connection()
        try:
            conn.request("POST", "/attendances", canonical(submission(element("2026-11-28"))),
                         server.contract_headers(issued["access_token"],
                                                 canonical(submission(element("2026-11-28")))))
            response = conn.getresponse()
            self.assertEqual(response.getheader("Content-Length"), "100")
            with self.assertRaises(http.client.IncompleteRead) as caught:
                response.read()
            self.assertEqual(caught.exception.partial, b'{"sub')
        finally:
            conn.close()
        self.assertEqual(server.store()["100000"]["2026-11-28"]["submissionRef"], "SUB-2")
        records = server.records()
        self.assertEqual([(r["status"], r["responseComplete"]) for r in records],
                         [(200, False), (201, True), (201, False)])
        self.assertEqual((records[2]["responseBody"], records[2]["submissionRef"]),
                         ('{"sub', "SUB-2"))

    # -- slowDrip ------------------------------------------------------------------------------

    def test_slow_drip_whole_answer(self) -> None:
        server = self.start_with_faults(token=[{"kind": "slowDrip", "intervalMs": 1},
                                               {"kind": "slowDrip", "intervalMs": 1,
                                                "headersAtOnce": True}])
        chunks, _ = self.exchange(server, raw_request("POST", "/token", token_form(),
                                                      FORM_HEADERS))
        # One byte per TLS record, i.e. per write: the whole answer, byte by byte.
        self.assertEqual({len(c) for c in chunks}, {1})
        status, headers, body = split_response(b"".join(chunks))
        self.assertEqual((status, int(headers["content-length"])), (200, len(body)))
        self.assertEqual(server.submit(submission(), json.loads(body)["access_token"])[0], 201)
        record = server.records()[0]
        self.assertEqual((record["responseComplete"], record["responseBytes"]),
                         (True, len(chunks)))
        # headersAtOnce: the header block in one record, then the body byte by byte.
        chunks, _ = self.exchange(server, raw_request("POST", "/token", token_form(),
                                                      FORM_HEADERS))
        self.assertTrue(chunks[0].startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertTrue(chunks[0].endswith(b"\r\n\r\n"))
        self.assertEqual({len(c) for c in chunks[1:]}, {1})
        self.assertEqual(json.loads(b"".join(chunks[1:]))["token_type"], "Bearer")

    def test_slow_drip_bounded(self) -> None:
        server = self.start_with_faults(codes=[{"kind": "slowDrip", "intervalMs": 20,
                                                "maxSeconds": 0.2}])
        token = server.token()
        headers = {"Authorization": f"Bearer {token}", "Ocp-Apim-Subscription-Key": SUB_KEY}
        chunks, end = self.exchange(server, raw_request("GET", "/codes/attendance",
                                                        headers=headers))
        # floor(0.2 s / 20 ms) = 10 bytes, then FIN.
        self.assertEqual((b"".join(chunks), end), (b"HTTP/1.1 2", "eof"))
        record = server.records()[-1]
        self.assertEqual((record["status"], record["responseComplete"],
                          record["responseBytes"], record["responseBody"]),
                         (200, False, 10, ""))

    # -- huge ----------------------------------------------------------------------------------

    def test_huge(self) -> None:
        server = self.start_with_faults(
            token=[{"kind": "huge"}],
            attendances=[{"kind": "huge", "bytes": 200000, "chunked": True}],
            codes=[{"kind": "huge", "bytes": 10000}])
        status, headers, body = server.request("POST", "/token", token_form(), FORM_HEADERS,
                                               timeout=30)
        self.assertEqual((status, len(body), headers["Content-Length"]),
                         (200, 4 * 1024 * 1024, str(4 * 1024 * 1024)))
        issued = json.loads(body)
        self.assertEqual(set(issued), {"token_type", "expires_in", "access_token", "padding"})
        self.assertEqual(set(issued["padding"]), {"x"})
        token = issued["access_token"]
        # Chunked: no Content-Length in advance.
        raw = canonical(submission())
        status, headers, body = server.request("POST", "/attendances", raw,
                                               server.contract_headers(token, raw))
        self.assertEqual((status, headers["Transfer-Encoding"], headers["Content-Length"]),
                         (201, "chunked", None))
        self.assertEqual(len(body), 200000)
        answer = json.loads(body)
        self.assertEqual((answer["submissionRef"], answer["errors"]), ("SUB-1", []))
        self.assertIn("2026-11-27", server.store()["100000"])
        # An array (codes) is padded with trailing spaces: same value.
        auth = {"Authorization": f"Bearer {token}", "Ocp-Apim-Subscription-Key": SUB_KEY}
        status, _, padded = server.request("GET", "/codes/attendance", headers=auth)
        status_after, _, normal = server.request("GET", "/codes/attendance", headers=auth)
        self.assertEqual((status, len(padded), padded.rstrip(b" ")), (200, 10000, normal))
        records = server.records()
        self.assertEqual([(r["responseBody"], r.get("responseBodyLength")) for r in records[:3]],
                         [(None, 4194304), (None, 200000), (None, 10000)])
        self.assertEqual(records[1]["submissionRef"], "SUB-1")

    # -- oddShape ------------------------------------------------------------------------------

    def test_odd_shape(self) -> None:
        server = self.start_with_faults(
            attendances=[
                {"kind": "oddShape", "body": '{"submissionRef":"S-1","errors":"oops"}'},
                {"kind": "oddShape", "status": 400, "body": {"errors": [1, 2]}},
                {"kind": "oddShape", "status": 201, "body": {"errors": [{"code": 5}]},
                 "contentType": "text/html", "handle": False},
            ],
            token=[{"kind": "oddShape", "body": "{\"access_token\":42,", "headers": {"X-A": "b"}}])
        status, headers, body = server.request("POST", "/token", token_form(), FORM_HEADERS)
        self.assertEqual((status, body, headers["Content-Type"], headers["X-A"]),
                         (200, b'{"access_token":42,', "application/json", "b"))
        token = server.token()
        answers = []
        for date in ("2026-11-23", "2026-11-24", "2026-11-25"):
            raw = canonical(submission(element(date)))
            status, headers, body = server.request("POST", "/attendances", raw,
                                                   server.contract_headers(token, raw))
            answers.append((status, headers["Content-Type"], body))
        self.assertEqual(answers, [
            (201, "application/json", b'{"submissionRef":"S-1","errors":"oops"}'),
            (400, "application/json", b'{"errors":[1,2]}'),
            (201, "text/html", b'{"errors":[{"code":5}]}')])
        # Only the 2xx with handle (the default for 2xx) was processed.
        self.assertEqual(list(server.store()["100000"]), ["2026-11-23"])
        records = [r for r in server.records() if r["path"] == "/attendances"]
        self.assertEqual([(r["status"], r.get("suppressedStatus"), r.get("submissionRef"))
                          for r in records],
                         [(201, 201, "SUB-1"), (400, None, None), (201, None, None)])

    # -- controlChars --------------------------------------------------------------------------

    def test_control_chars(self) -> None:
        server = self.start_with_faults(
            token=[{"kind": "controlChars"},
                   {"kind": "controlChars", "status": 401, "text": "\x1b[31mred"}],
            attendances=[{"kind": "controlChars"},
                         {"kind": "controlChars", "status": 400}],
            codes=[{"kind": "controlChars"}])
        escaped = json.dumps(CONTROL_TEXT)  # ASCII with \u escapes, as json.dumps writes it
        status, headers, body = server.request("POST", "/token", token_form(), FORM_HEADERS)
        self.assertEqual(status, 400)
        self.assertEqual(body, b'{"error":"invalid_request","error_description":'
                         + escaped.encode() + b"}")
        self.assertEqual(json.loads(body)["error_description"], CONTROL_TEXT)
        status, headers, body = server.request("POST", "/token", token_form(), FORM_HEADERS)
        self.assertEqual((status, json.loads(body), headers["WWW-Authenticate"]),
                         (401, {"error": "invalid_client", "error_description": "\x1b[31mred"},
                          'Basic realm="standin"'))
        self.assertEqual(b'"\\u001b[31mred"' in body, True)

        token = server.token()
        status, _, answer = server.submit(submission(), token)
        self.assertEqual(status, 201)
        self.assertEqual(answer["submissionRef"], "SUB-1" + CONTROL_TEXT)
        self.assertEqual(answer["errors"], [{
            "code": "VAL104", "title": CONTROL_TEXT, "detail": CONTROL_TEXT,
            "path": "$.submissionData[0].attendances[0].attendanceCode"}])
        raw_answer = json.loads(server.records()[-1]["responseBody"])
        self.assertEqual(raw_answer, answer)
        self.assertEqual(server.store()["100000"]["2026-11-27"]["submissionRef"], "SUB-1")
        # A rejection: not processed.
        status, _, answer = server.submit(submission(element("2026-11-28")), token)
        self.assertEqual((status, answer), (400, {"errors": [{
            "code": "VAL101", "title": CONTROL_TEXT, "detail": CONTROL_TEXT, "path": "$.urn"}]}))
        self.assertNotIn("2026-11-28", server.store()["100000"])
        # The replay of the accepted body is the plain, stored answer.
        self.assertEqual(server.submit(submission(), token)[2],
                         {"submissionRef": "SUB-1", "errors": []})
        # Codes: the first description.
        auth = {"Authorization": f"Bearer {token}", "Ocp-Apim-Subscription-Key": SUB_KEY}
        status, _, body = server.request("GET", "/codes/ncyeargroup", headers=auth)
        listing = json.loads(body)
        self.assertEqual((status, listing[0]), (200, {"ncYearGroup": "E1",
                                                      "description": CONTROL_TEXT}))
        self.assertEqual(listing[1]["description"], "Early years 2")
        # Every byte on the wire is ASCII: the escapes are JSON \u escapes.
        self.assertTrue(all(b < 0x80 for b in body))

    # -- badToken ------------------------------------------------------------------------------

    def test_bad_token(self) -> None:
        variants = ["tok\r\nX-Injected: yes", "a\nb", "a\x00b", "a b", "t\u00f6ken"]
        server = self.start_with_faults(
            token=[{"kind": "badToken"}] + [{"kind": "badToken", "accessToken": v}
                                            for v in variants[1:]])
        for variant in variants:
            with self.subTest(token=variant):
                status, headers, body = server.request("POST", "/token", token_form(),
                                                       FORM_HEADERS)
                self.assertEqual(status, 200)
                self.assertIn(b'"access_token":' + json.dumps(variant).encode(), body)
                self.assertEqual(json.loads(body)["access_token"], variant)
                self.assertEqual(json.loads(body)["token_type"], "Bearer")
        # The odd token is valid on the server: a client that sends "Bearer a b" gets through.
        status, _, _ = server.submit(submission(), "a b")
        self.assertEqual(status, 201)
        self.assertEqual(server.records()[-1]["headers"]["Authorization"], "Bearer a b")
        # A bad secret is still refused (normal handling first).
        server2 = self.start_with_faults(token=[{"kind": "badToken"}])
        status, _, body = server2.request("POST", "/token", token_form("wrong"), FORM_HEADERS)
        self.assertEqual((status, json.loads(body)["error"]), (401, "invalid_client"))

    # -- retryAfterHuge ------------------------------------------------------------------------

    def test_retry_after_huge(self) -> None:
        server = self.start_with_faults(
            attendances=[{"kind": "retryAfterHuge"}],
            token=[{"kind": "retryAfterHuge", "status": 503, "retryAfter": "-1"}],
            codes=[{"kind": "retryAfterHuge", "retryAfter": 99999999999999999999}])
        status, headers, body = server.request("POST", "/token", token_form(), FORM_HEADERS)
        self.assertEqual((status, headers["Retry-After"]), (503, "-1"))
        token = server.token()
        status, headers, answer = server.submit(submission(), token)
        self.assertEqual((status, headers["Retry-After"]), (429, "9223372036854775807"))
        self.assertEqual(answer, {"statusCode": 429, "message": "Rate limit is exceeded. Try "
                                  "again in 9223372036854775807 seconds."})
        self.assertEqual(server.store(), {}, "not processed")
        auth = {"Authorization": f"Bearer {token}", "Ocp-Apim-Subscription-Key": SUB_KEY}
        status, headers, _ = server.request("GET", "/codes/attendance", headers=auth)
        self.assertEqual((status, headers["Retry-After"]), (429, "99999999999999999999"))
        self.assertEqual([r["status"] for r in server.records()], [503, 200, 429, 429])

    # -- resetReusedConnection -----------------------------------------------------------------

    def test_reset_reused_connection(self) -> None:
        server = self.start_with_faults(token=[{"kind": "resetReusedConnection"}])
        conn = server.connection()
        try:
            conn.request("POST", "/token", token_form(), FORM_HEADERS)
            response = conn.getresponse()
            token = json.loads(response.read())["access_token"]
            self.assertEqual((response.status, response.getheader("Connection")), (200, None))
            raw = canonical(submission())
            headers = server.contract_headers(token, raw)
            conn.request("POST", "/attendances", raw, headers)
            with self.assertRaises(ConnectionError):  # reset (or seen as closed) unanswered
                conn.getresponse()
        finally:
            conn.close()
        self.assertEqual(server.store(), {}, "the trapped request was not processed")
        # The client sends it again on a new connection, same headers: accepted.
        status, _, answer = server.request("POST", "/attendances", raw, headers)
        self.assertEqual(status, 201)
        records = server.records()
        self.assertEqual([(r["path"], r["connection"], r["connectionRequest"], r["status"],
                           r.get("trapped", False)) for r in records],
                         [("/token", 1, 1, 200, False), ("/attendances", 1, 2, None, True),
                          ("/attendances", 2, 1, 201, False)])
        self.assertEqual((records[0]["sessionId"], records[1]["sessionId"]),
                         (None, headers["api-client-session-id"]))
        self.assertEqual(records[1]["sessionId"], records[2]["sessionId"])
        self.assertEqual(records[1]["bodySha256"], records[2]["bodySha256"])
        self.assertEqual(records[1]["fault"], {"kind": "resetReusedConnection"})

    def test_reset_reused_connection_is_an_rst(self) -> None:
        server = self.start_with_faults(token=[{"kind": "resetReusedConnection"}])
        first = raw_request("POST", "/token", token_form(), FORM_HEADERS, close=False)
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain:
            with server.context.wrap_socket(plain, server_hostname="127.0.0.1") as tls:
                tls.sendall(first)
                answer = b""
                while b"}" not in answer:  # the token answer: one JSON object, no newline
                    answer += tls.recv(65536)
                self.assertTrue(answer.startswith(b"HTTP/1.1 200 OK\r\n"))
                tls.sendall(first)
                with socket.socket(fileno=os.dup(tls.fileno())) as tcp:
                    tcp.settimeout(5)
                    with self.assertRaises(ConnectionResetError):
                        while tcp.recv(65536):
                            pass
        self.assertEqual([r["status"] for r in server.records()], [200, None])

    def test_reset_reused_connection_processed_then_fin(self) -> None:
        server = self.start_with_faults(attendances=[
            {"kind": "resetReusedConnection", "close": "fin", "handleSecond": True}])
        token = server.token()
        conn = server.connection()
        try:
            raw = canonical(submission())
            conn.request("POST", "/attendances", raw, server.contract_headers(token, raw))
            self.assertEqual(conn.getresponse().read()[:20], b'{"submissionRef":"SU')
            raw = canonical(submission(element("2026-11-28")))
            conn.request("POST", "/attendances", raw, server.contract_headers(token, raw))
            with self.assertRaises(http.client.RemoteDisconnected):
                conn.getresponse()
        finally:
            conn.close()
        # Processed although never answered.
        self.assertEqual(server.store()["100000"]["2026-11-28"]["submissionRef"], "SUB-2")
        record = server.records()[-1]
        self.assertEqual((record["status"], record["suppressedStatus"], record["submissionRef"],
                          record["trapped"]), (None, 201, "SUB-2", True))

    def test_libcurl_silently_resends_on_a_reused_connection(self) -> None:
        """The reason for resetReusedConnection: curl (libcurl) re-sends a POST whose reused
        connection died before any answer, on a new connection, and reports success."""
        if shutil.which("curl") is None:
            self.skipTest("curl not installed")
        server = self.start_with_faults(token=[{"kind": "resetReusedConnection"}])
        url = f"https://127.0.0.1:{server.port}/token"
        session = str(uuid.uuid4())
        one = ["--cacert", str(CERTS / "ca.pem"), "-H", f"api-client-session-id: {session}",
               "--data-binary", token_form().decode(), url]
        result = subprocess.run(["curl", "-sS", *one, "--next", *one], capture_output=True,
                                text=True, timeout=20)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.count('"access_token"'), 2, "two answers, no error")
        records = server.records()
        self.assertEqual([(r["connection"], r["connectionRequest"], r["status"],
                           r.get("trapped", False)) for r in records],
                         [(1, 1, 200, False), (1, 2, None, True), (2, 1, 200, False)])
        # Three POSTs on the wire for two requests of the application, the last two with the
        # same session id and the same body.
        self.assertEqual({r["sessionId"] for r in records}, {session})
        self.assertEqual(records[1]["bodySha256"], records[2]["bodySha256"])

    # -- every request is recorded, and the new kinds are checked at start ----------------------

    def test_connection_numbering(self) -> None:
        server = self.start()
        conn = server.connection()
        try:
            for _ in range(2):
                conn.request("GET", "/nothing", headers={"API-Client-Session-ID": "abc"})
                conn.getresponse().read()
        finally:
            conn.close()
        server.request("GET", "/nothing")
        self.assertEqual([(r["connection"], r["connectionRequest"], r["sessionId"],
                           r["responseComplete"]) for r in server.records()],
                         [(1, 1, "abc", True), (1, 2, "abc", True), (2, 1, None, True)])

    def test_bad_hostile_specs_refused(self) -> None:
        cases = [
            ({"attendances": [{"kind": "badToken"}]}, "only for the token endpoint"),
            ({"token": [{"kind": "oddShape"}]}, "needs ['body']"),
            ({"token": [{"kind": "slowDrip", "intervalMs": 0}]}, "intervalMs"),
            ({"token": [{"kind": "slowDrip", "maxSeconds": 301}]}, "maxSeconds"),
            ({"codes": [{"kind": "truncatedHeaders", "close": "boom"}]}, "close"),
            ({"codes": [{"kind": "huge", "bytes": -1}]}, "bytes"),
            ({"token": [{"kind": "retryAfterHuge", "retryAfter": None}]}, "retryAfter"),
            ({"token": [{"kind": "resetReusedConnection", "extra": 1}]}, "unknown keys"),
        ]
        for faults, message in cases:
            with self.subTest(faults=faults):
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "config.json"
                    path.write_text(json.dumps(base_config(faults=faults)))
                    result = subprocess.run(
                        [sys.executable, str(STANDIN), "--cert", str(CERTS / "server.pem"),
                         "--key", str(CERTS / "server.key"), "--config", str(path),
                         "--record", str(Path(tmp) / "r"), "--port-file", str(Path(tmp) / "p")],
                        capture_output=True, text=True, timeout=10)
                    self.assertEqual(result.returncode, 2)
                    self.assertIn(message, result.stderr)


if __name__ == "__main__":
    unittest.main()
