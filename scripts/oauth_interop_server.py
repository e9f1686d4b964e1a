#!/usr/bin/env python3
"""A real OAuth 2.0 authorization server (Authlib) for attsync's interoperability tests.

The token endpoint is Authlib's own (authlib.oauth2.rfc6749.AuthorizationServer with its
ClientCredentialsGrant, client authentication and BearerTokenGenerator), so a test against it
checks attsync against a widely used implementation rather than against the stand-in
(dfe_standin.py), which was written alongside attsync. Only the HTTP plumbing is ours: Python's
http.server + ssl, no web framework. Needs Authlib (pinned in scripts/install-deps).

COMMAND LINE (the same start-up protocol as dfe_standin.py)
===========================================================

    python3 scripts/oauth_interop_server.py --cert FILE --key FILE --config FILE \\
        [--port-file FILE] [--port N] [--record FILE]

  --cert, --key   PEM certificate (chain) and private key the server presents: use server.pem and
                  server.key from scripts/make-test-certs.sh; the client trusts ca.pem.
  --config        JSON configuration (below). Read once at start.
  --port-file     once the socket listens, the port number is written here as decimal digits
                  without a newline (temporary file, then rename). A stale file is removed at start.
  --port N        port to listen on (default 0 = an ephemeral port chosen by the kernel).
  --record        optional request log, one JSON object per line, flushed before each response:
                  {"seq", "method", "path", "headers" (as received, verbatim: test data),
                   "body" (text), "status", "responseBody"}.

  When ready (handlers installed, socket listening), the port is written to --port-file and
  printed on stdout as decimal digits and a newline, flushed; nothing else is ever printed on
  stdout. Listens on 127.0.0.1 only, HTTPS only, TLS >= 1.2, HTTP/1.1 keep-alive. SIGTERM or
  SIGINT: stops, exits 0. Exit 2: bad command line or configuration, or Authlib missing (message
  on stderr). stderr gets one line per request (method, path, status; never secrets or tokens).

CONFIGURATION (a JSON object; unknown keys are an error; names as in dfe_standin.py)
====================================================================================

  clients               {"<client id>": "<secret>", ...}  required, at least one; any characters
                        (spaces, '+', ':', '%', non-ASCII...).
  scope                 string, or null/absent. When set, a requested scope must be exactly it
                        (else 400 invalid_scope) and a request without scope is granted it.
  tokenLifetimeSeconds  integer >= 1, default 3599: the expires_in of every token.
  authMethods           the client authentication methods accepted, default
                        ["client_secret_basic", "client_secret_post"].
  subscriptionKey, knownUrns, expiresInAsString, requireIdempotencyKey, faults
                        dfe_standin.py's own keys: accepted and ignored (not checked), so that one
                        configuration file can serve both servers.

ENDPOINT
========

POST /token  (RFC 6749 section 4.4). The body is parsed as application/x-www-form-urlencoded
  (Python's parse_qsl: '+' is a space, as a framework such as Flask/Werkzeug does) when the
  Content-Type says so; otherwise it is empty. The query string is ignored. Then Authlib decides:
  client authentication (client_secret_basic: Authlib's extract_basic_authorization, which splits
  the decoded credentials at the first ':' and applies urllib.parse.unquote to each half, so '%20'
  is a space but '+' stays '+'; client_secret_post: client_id and client_secret in the form),
  grant type, scope. 200 {"token_type": "Bearer", "access_token": "...", "expires_in": N,
  ["scope": "..."]} with Cache-Control: no-store, Pragma: no-cache; errors as Authlib writes
  them (401 invalid_client with WWW-Authenticate when Basic was possible, 400 invalid_request,
  unsupported_grant_type, invalid_scope, unauthorized_client).
  Any other path: 404 {"error": "not_found"}; /token with another method: 405.
"""

from __future__ import annotations

import argparse
import hmac
import http.server
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from typing import Any

try:
    from authlib.common.security import generate_token
    from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Payload
    from authlib.oauth2.rfc6749 import OAuth2Request
    from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
    from authlib.oauth2.rfc6750 import BearerTokenGenerator
except ImportError as e:  # pragma: no cover - reported, not tested
    print(f"oauth_interop_server: Authlib is not installed ({e}); run scripts/install-deps",
          file=sys.stderr)
    sys.exit(2)

HANDSHAKE_TIMEOUT_SECONDS = 10
IDLE_TIMEOUT_SECONDS = 30
MAX_BODY_BYTES = 1024 * 1024
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
# Keys of a dfe_standin.py configuration that mean nothing here: accepted and ignored, so that a
# test can start both servers with the same file.
STANDIN_ONLY = {"subscriptionKey", "knownUrns", "expiresInAsString", "requireIdempotencyKey",
                "faults"}


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S", time.gmtime())
    sys.stderr.write(f"[oauth-interop {stamp}] {message}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------------------------------
# Configuration


class ConfigError(Exception):
    pass


def load_config(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            raw = json.load(f)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    except ValueError as e:
        raise ConfigError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(raw, dict):
        raise ConfigError("the configuration must be a JSON object")
    unknown = set(raw) - {"clients", "scope", "tokenLifetimeSeconds", "authMethods"} - STANDIN_ONLY
    if unknown:
        raise ConfigError(f"unknown configuration keys {sorted(unknown)}")
    clients = raw.get("clients")
    if not isinstance(clients, dict) or not clients or not all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in clients.items()):
        raise ConfigError("clients: must be a non-empty object of client id -> non-empty secret")
    scope = raw.get("scope")
    if scope is not None and (not isinstance(scope, str) or not scope):
        raise ConfigError("scope: must be a non-empty string or null")
    lifetime = raw.get("tokenLifetimeSeconds", 3599)
    if not isinstance(lifetime, int) or isinstance(lifetime, bool) or lifetime < 1:
        raise ConfigError("tokenLifetimeSeconds: must be an integer >= 1")
    methods = raw.get("authMethods", list(AUTH_METHODS))
    if (not isinstance(methods, list) or not methods
            or not all(m in AUTH_METHODS for m in methods)):
        raise ConfigError(f"authMethods: must be a non-empty array of {list(AUTH_METHODS)}")
    return {"clients": clients, "scope": scope, "tokenLifetimeSeconds": lifetime,
            "authMethods": methods}


# --------------------------------------------------------------------------------------------------
# Authlib wiring: a client model, a request wrapper and the AuthorizationServer's framework hooks


class Client(ClientMixin):
    def __init__(self, client_id: str, secret: str, scope: str | None, methods: list[str]):
        self.client_id, self.secret, self.scope, self.methods = client_id, secret, scope, methods

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        # The requested scope has already passed AuthorizationServer.validate_requested_scope.
        return scope if scope else (self.scope or "")

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode("utf-8"), self.secret.encode("utf-8"))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in self.methods

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class FormPayload(OAuth2Payload):
    def __init__(self, pairs: list[tuple[str, str]]):
        self._data: dict[str, str] = {}
        self._datalist: dict[str, list[str]] = {}
        for name, value in pairs:
            self._data.setdefault(name, value)  # the first value, as Werkzeug's MultiDict.get
            self._datalist.setdefault(name, []).append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


class TokenRequest(OAuth2Request):
    def __init__(self, method: str, uri: str, headers: Any, pairs: list[tuple[str, str]]):
        super().__init__(method, uri, headers=headers)
        self.payload = FormPayload(pairs)

    @property
    def args(self) -> dict:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data


class TokenGrant(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)  # each client narrows it (authMethods)


class Server(AuthorizationServer):
    def __init__(self, config: dict):
        super().__init__(scopes_supported=[config["scope"]] if config["scope"] else None)
        self.clients = {cid: Client(cid, secret, config["scope"], config["authMethods"])
                        for cid, secret in config["clients"].items()}
        self.issued: dict[str, tuple[str, float]] = {}  # token -> (client id, expiry)
        self.lock = threading.Lock()
        self.register_grant(TokenGrant)
        self.register_token_generator("default", BearerTokenGenerator(
            access_token_generator=lambda **_: generate_token(42),
            expires_generator=config["tokenLifetimeSeconds"]))

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        with self.lock:
            self.issued[token["access_token"]] = (request.client.get_client_id(),
                                                  time.monotonic() + token["expires_in"])

    def create_oauth2_request(self, request: TokenRequest) -> TokenRequest:
        return request

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError("no JSON endpoints")

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        data = data.encode("utf-8") if isinstance(data, str) else data
        return status, data, list(headers or [])

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass


# --------------------------------------------------------------------------------------------------
# HTTP over TLS


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "oauth-interop/1"
    timeout = IDLE_TIMEOUT_SECONDS
    disable_nagle_algorithm = True
    server: "HTTPServer"

    def setup(self) -> None:
        self.request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        try:
            self.request = self.server.ssl_context.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log(f"port {self.client_address[1]}: TLS handshake failed: {e}")
            raise HandshakeFailed() from None
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        if isinstance(self.request, ssl.SSLSocket):
            self.request.close()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log(f"port {self.client_address[1]}: " + (format % args))

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def dispatch(self) -> None:
        length_text = (self.headers.get("Content-Length") or "0").strip()
        if not length_text.isdigit() or int(length_text) > MAX_BODY_BYTES:
            self.close_connection = True
            self.respond(b"", 400, json.dumps({"error": "invalid_request"}).encode(),
                         [("Connection", "close")])
            return
        body = self.rfile.read(int(length_text))
        path = urllib.parse.urlsplit(self.path).path
        if path != "/token":
            self.respond(body, 404, b'{"error":"not_found"}', [])
            return
        if self.command != "POST":
            self.respond(body, 405, b'{"error":"method_not_allowed"}', [("Allow", "POST")])
            return
        media = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        pairs: list[tuple[str, str]] = []
        if media == "application/x-www-form-urlencoded":
            try:
                pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                               errors="strict", max_num_fields=50)
            except (UnicodeDecodeError, ValueError):
                pairs = []
        uri = f"https://127.0.0.1:{self.server.server_address[1]}{self.path}"
        request = TokenRequest(self.command, uri, self.headers, pairs)
        status, data, headers = self.server.oauth.create_token_response(request)
        self.respond(body, status, data, headers)

    def respond(self, body: bytes, status: int, data: bytes, headers: list) -> None:
        self.server.record(self, body, status, data)
        log(f"port {self.client_address[1]}: {self.command} {self.path} -> {status}")
        try:
            self.send_response(status)
            has_type = any(name.lower() == "content-type" for name, _ in headers)
            for name, value in headers:
                self.send_header(name, value)
            if not has_type:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError as e:
            self.close_connection = True
            log(f"port {self.client_address[1]}: client went away before the response: {e}")


class HandshakeFailed(Exception):
    pass


class HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, port: int, context: ssl.SSLContext, oauth: Server,
                 record_path: str | None):
        self.ssl_context, self.oauth, self.record_path = context, oauth, record_path
        self.record_lock = threading.Lock()
        self.seq = 0
        super().__init__(("127.0.0.1", port), Handler)
        if record_path:
            with open(record_path, "wb"):
                pass

    def record(self, handler: Handler, body: bytes, status: int, data: bytes) -> None:
        if not self.record_path:
            return
        with self.record_lock:
            self.seq += 1
            entry = {"seq": self.seq, "method": handler.command, "path": handler.path,
                     "headers": dict(handler.headers.items()),
                     "body": body.decode("utf-8", errors="replace"), "status": status,
                     "responseBody": data.decode("utf-8", errors="replace")}
            with open(self.record_path, "a", encoding="ascii") as f:
                f.write(json.dumps(entry, ensure_ascii=True) + "\n")

    def handle_error(self, request: Any, client_address: Any) -> None:
        kind, value, _ = sys.exc_info()
        if kind is HandshakeFailed:
            return
        if kind is not None and issubclass(kind, (ConnectionError, TimeoutError, ssl.SSLError)):
            log(f"port {client_address[1]}: connection error: {value}")
            return
        log(f"port {client_address[1]}: internal error:")
        super().handle_error(request, client_address)


def write_atomically(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Authlib OAuth 2.0 server (tests only).")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--port-file")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--record")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(f"oauth_interop_server: configuration: {e}", file=sys.stderr)
        return 2
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(args.cert, args.key)
    except (OSError, ssl.SSLError) as e:
        print(f"oauth_interop_server: cannot load --cert/--key: {e}", file=sys.stderr)
        return 2
    if args.port_file:
        try:
            os.unlink(args.port_file)
        except FileNotFoundError:
            pass
    try:
        server = HTTPServer(args.port, context, Server(config), args.record)
    except OSError as e:
        print(f"oauth_interop_server: {e}", file=sys.stderr)
        return 2

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    # A parent may have started us with these signals blocked (see dfe_standin.py).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    port = server.server_address[1]
    if args.port_file:
        write_atomically(args.port_file, str(port).encode("ascii"))
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    log(f"listening on https://127.0.0.1:{port}/token")
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                               name="serve", daemon=True)
    serving.start()
    while not stop.wait(0.5):
        if not serving.is_alive():
            log("the accept loop died")
            return 1
    server.shutdown()
    server.server_close()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
