#!/usr/bin/env python3
"""A stand-in for the DfE attendance API, for attsync's tests (Python 3.11 standard library only).

It implements the API contract of dfe-contract.md: an OAuth 2.0 client-credentials token endpoint
and the attendance submission endpoint. It records every request it receives, keeps the figures it
accepted, and can inject each fault of reliability.md's fault matrix. It shares no code with
attsync, on purpose.

COMMAND LINE
============

    python3 scripts/dfe_standin.py --cert FILE --key FILE --config FILE --record FILE \\
        --port-file FILE [--port N] [--http]

  --cert, --key   PEM certificate (chain) and private key the server presents (see
                  scripts/make-test-certs.sh). Required, even with --http (ignored then).
  --config        JSON configuration (below). Read once at start; SIGHUP re-reads it.
  --record        request log, one JSON object per line (below). Truncated at start.
                  The store is kept beside it in RECORD.store.json (below), written as {} at start.
  --port-file     once the socket listens, the port number is written here as decimal digits
                  without a newline (written to a temporary file, then renamed: a reader never sees
                  a partial file). A stale file is removed at start. Not removed at exit.
  --port N        port to listen on (default 0 = an ephemeral port chosen by the kernel).
  --http          serve plain HTTP instead of HTTPS (only for a test of http-to-loopback).

  Listens on 127.0.0.1 only. HTTP/1.1 with keep-alive, Content-Length on every response.
  TLS >= 1.2; the handshake happens in the connection's own thread, so a client that rejects the
  certificate (or never handshakes) cannot block the server. SIGTERM or SIGINT: stops accepting,
  exits 0 (in-flight stalled connections are abandoned). Exit 2: bad command line or configuration
  (message on stderr).

  stderr gets one line per request: client port, method, path, status (or what was done instead),
  the fault used, the submission reference, duration. Tokens, secrets and bodies are never logged.

CONFIGURATION (--config, a JSON object; unknown keys are an error)
==================================================================

  clients               {"<client id>": "<secret>", ...}   required, at least one.
  subscriptionKey       string, or null/absent = no Ocp-Apim-Subscription-Key required.
  scope                 string, or null/absent = any scope (or none) accepted.
  knownUrns             ["100000", ...] (strings or integers), or null/absent = every well-formed
                        URN is known. A URN not in the list gets VAL102.
  tokenLifetimeSeconds  integer >= 0, default 3599. Tokens are refused once this has elapsed (0 = a
                        token that is already expired when it is next used).
  expiresInAsString     boolean, default false: send expires_in as "3599" instead of 3599.
  requireIdempotencyKey boolean, default true: a submission without Idempotency-Key gets 400.
  faults                {"token": [spec...], "attendances": [spec...], "codes": [spec...]}
                        (each list optional; "codes" covers both GET /codes/... endpoints).

FAULTS
======

Each list is consumed in order, one spec per request to that endpoint (a request with the wrong
method, answered 405, does not consume one). Once a list is exhausted the endpoint behaves normally.
A spec is one of:

  {"status": 503, "headers": {"Retry-After": "2"}, "body": <string or JSON value>}
        Answer exactly that, without normal processing (nothing stored, no token issued). "headers"
        and "body" are optional. A JSON value is serialised (Content-Type application/json unless
        given); a string is sent raw as UTF-8 (Content-Type text/plain unless given); "bodyBase64"
        instead of "body" sends arbitrary bytes. Content-Length is always computed (a given
        Content-Length or Transfer-Encoding header is ignored). "Connection: close" is honoured.
        Status 200..599, e.g. 3xx with a Location header, 429/503 with Retry-After, garbage 200.
  {"kind": "normal"}                       handle normally (e.g. to put a fault after a success).
  {"kind": "delay", "seconds": 0.5}        wait, then handle normally.
  {"kind": "holdAnswer", "seconds": 3}     handle normally (stored) and record the request, then wait
                                           before sending the answer: a test sees the request in
                                           the record while the client still waits for its answer.
  {"kind": "softErrors", "errors": [...]}  handle normally; if the submission is accepted, append
                                           these error objects to its "errors" (a later replay of
                                           its Idempotency-Key returns them too). No effect on a
                                           rejected submission or on other endpoints.
  {"kind": "acceptThenReset"}              handle normally (a valid submission is stored), then
                                           reset the connection (SO_LINGER 0 + close = TCP RST)
                                           without sending any response.
  {"kind": "acceptThenStall", "seconds": 5} handle normally (stored), send nothing for that long,
                                           then close the connection (FIN, still no response).
  {"kind": "reset"}                        read the request, store nothing, reset the connection.

Hostile answers. Every one is recorded (RECORD below) before anything is written, so a test can
count what reached the server. "Normal handling" means the request is processed as without a
fault (a token issued, a submission stored or replayed, a refusal when the request is bad) and
its answer is the one mangled; "not processed" means nothing is stored and no token issued.
Keys in [brackets] are optional, with their defaults. "close" is how the connection ends:
"fin" = TCP FIN without a TLS close_notify (a crashed server: OpenSSL reports "unexpected eof"),
"notify" = a TLS close_notify, then FIN (a clean end of the stream), "reset" = TCP RST.

  {"kind": "truncatedHeaders", ["status": <the normal status>], ["close": "fin"]}
        token, attendances, codes. Normal handling, then only the status line is written, e.g.
        exactly the 22 bytes "HTTP/1.1 201 Created\\r\\n" (reason phrase of http.server), and the
        connection is closed: no header, no empty line, no body.
  {"kind": "truncatedBody", ["contentLength": <body length + 16>],
   ["bodyBytesSent": <body length>], ["close": "fin"]}
        token, attendances, codes. Normal handling; the full header block (as a normal answer:
        Server, Date, the answer's headers, then "Content-Length: <contentLength>"), then the
        first bodyBytesSent bytes of the body (at most contentLength - 1), then close. By default
        the whole, valid JSON body arrives but the declared length is 16 bytes more.
  {"kind": "slowDrip", ["intervalMs": 100], ["maxSeconds": 10], ["headersAtOnce": false]}
        token, attendances, codes. Normal handling; the complete answer (status line, headers,
        body) is written one byte at a time with intervalMs between bytes (headersAtOnce: the
        header block in one write, only the body dripped). At most floor(maxSeconds * 1000 /
        intervalMs) bytes are dripped (0 < maxSeconds <= 300): if the answer is longer, the
        connection is closed (FIN) after that many bytes. intervalMs: 0 < n <= 10000.
  {"kind": "huge", ["bytes": 4194304], ["chunked": false]}
        token, attendances, codes. Normal handling; the answer's JSON body padded to exactly
        "bytes" bytes with the same meaning: an object gets a last member "padding":"xxx...",
        an array (codes) trailing spaces. A body already longer is sent unchanged. With
        Content-Length, or (chunked) Transfer-Encoding: chunked in 64 KiB chunks, no length
        given in advance. bytes <= 256 MiB. The status is the normal one (2xx for a good request).
  {"kind": "oddShape", "body": <JSON value or string>, ["status": 201 attendances, 200 others],
   ["contentType": "application/json"], ["headers": {}], ["handle": status < 300]}
        token, attendances, codes. Sends status + body as given: a string is sent verbatim as
        UTF-8 (so '{"submissionRef":"S-1","errors":"oops"}' or '{"errors":[1,2]}' or any
        non-JSON), any other JSON value compactly serialised; Content-Type is contentType.
        handle: run normal handling first (its answer discarded; a submission is stored), by
        default only when status is 2xx.
  {"kind": "controlChars", ["text": DEFAULT_CONTROL_TEXT], ["status": see below],
   ["error": see below]}
        Puts `text` where a client shows the server's words. DEFAULT_CONTROL_TEXT (JSON):
          "\\u001b[2J\\u001b[31mDfE\\u001b[0m\\r\\n\\u2713 accepted SUB-999\\r\\nbare\\nLF\\u0007\\u0000\\u009b31m\\u202eend"
        (clear screen, red, reset, CR LF, a fake "✓ accepted SUB-999" line, a bare LF, BEL, NUL,
        the one-byte C1 CSI U+009B, the right-to-left override U+202E). Answers are JSON with
        \\u escapes (json ensure_ascii), so the bytes on the wire are ASCII.
        token: not processed; status 400 (default) {"error": error or "invalid_request",
          "error_description": text}; status 401: error "invalid_client" + WWW-Authenticate.
        attendances, status 2xx (default 201): normal handling; when it accepts, the answer is
          {"submissionRef": "SUB-<n>" + text, "errors": [<normal soft errors>...,
          {"code": error or "VAL104", "title": text, "detail": text,
           "path": "$.submissionData[0].attendances[0].attendanceCode"}]} (the store and a later
          replay keep the plain "SUB-<n>" and the normal errors); a refusal is sent unchanged.
        attendances, status >= 300: not processed; {"errors": [{"code": error or "VAL101",
          "title": text, "detail": text, "path": "$.urn"}]}.
        codes, status 2xx (default 200): the first entry's description is text.
  {"kind": "badToken", ["accessToken": "tok\\r\\nX-Injected: yes"]}
        token only. Normal handling; a 200 answer gets access_token = accessToken (e.g.
        "a\\r\\nX-Evil: 1", "a\\nb", "a\\u0000b", "a b", "t\\u00f6ken"), which is also made a valid
        token for that client (so a client that uses it anyway gets through: check the record).
        A refusal (401, 400) is sent unchanged.
  {"kind": "retryAfterHuge", ["status": 429], ["retryAfter": "9223372036854775807"]}
        token, attendances, codes. Not processed. status with "Retry-After: <retryAfter>" (a
        string is sent verbatim, so "-1", "1e9" or an HTTP-date work too) and the body
        {"statusCode": status, "message": "Rate limit is exceeded. Try again in <retryAfter>
        seconds."}.
  {"kind": "resetReusedConnection", ["close": "reset"], ["handleSecond": false]}
        token, attendances, codes. The request is handled normally and answered with keep-alive;
        then the NEXT request on that same connection (any path: e.g. the POST /attendances that
        follows a POST /token on a reused connection) is read in full, recorded ("trapped": true,
        "status": null) and never answered: the connection is closed (reset by default). It
        consumes no fault spec. handleSecond: process it normally first (stored; the answer is
        discarded). libcurl re-sends a request whose reused connection died before any answer
        byte, a POST included, without telling the application: the record then shows the same
        request twice, on two connections, with the same api-client-session-id.

ENDPOINTS
=========

POST /token  (OAuth 2.0 client credentials, RFC 6749 section 4.4)
  Checks, in this order; the first failure answers:
    1. Content-Type application/x-www-form-urlencoded (parameters allowed), the body valid UTF-8
       form encoding, no parameter repeated                              else 400 invalid_request
    2. at most one client authentication method: client_secret_basic (Authorization: Basic
       base64(urlencode(id) ":" urlencode(secret)); decoded by splitting at the first ':' and then
       form-url-decoding each half, '+' = space, RFC 6749 section 2.3.1) or client_secret_post
       (client_id and client_secret in the form). Basic plus client_secret in the form, or Basic
       plus a client_id in the form that differs from the Basic one      -> 400 invalid_request
    3. the client is known and the secret matches (no authentication at all, a malformed Basic
       header, another Authorization scheme, an unknown client or a wrong secret)
           else 401 {"error":"invalid_client"} + WWW-Authenticate: Basic realm="standin"
    4. grant_type present                                                else 400 invalid_request
       grant_type = client_credentials                             else 400 unsupported_grant_type
    5. when "scope" is configured, the scope parameter is exactly it     else 400 invalid_scope
  200 {"token_type":"Bearer","expires_in":3599,"access_token":"<random url-safe>"} with
  Cache-Control: no-store and Pragma: no-cache. Errors are {"error":..., "error_description":...}.

POST /attendances  (the submission)
  Checks, in this order; the first failing step answers:
    1. Authorization: Bearer <a token issued by this server, not expired>
           else 401 + WWW-Authenticate: Bearer error="invalid_token", error_description="..."
    2. Ocp-Apim-Subscription-Key equal to subscriptionKey (when configured)
           else 401 {"statusCode":401,
                     "message":"Access denied due to missing or invalid subscription key."}
    3. Content-Type application/json (parameters such as charset allowed)        else 415
    4. api-client-app-id present and equal to the client id the token was issued to, and
       api-client-session-id present and a UUID          else 400 MISSING_HEADER / INVALID_HEADER
    5. Idempotency-Key: "<64 hex digits>" including the double quotes (either case), identifying one
       submission (dfe-contract.md: normally the body's SHA-256; a fresh one when a body is sent
       again after a different body may have been taken). Missing (when required) -> 400
       MISSING_HEADER; wrong form -> 400 IDEMPOTENCY_KEY_MALFORMED; a key seen before with another
       body -> 422 IDEMPOTENCY_KEY_REUSED.
       A key already accepted: 201 with the same response body as the first time (same
       submissionRef); nothing new is stored.
    6. the body is UTF-8 JSON (no BOM; NaN, Infinity and numbers out of double range refused;
       nesting too deep for Python's parser refused)    else 400 INVALID_JSON (path "$")
    7. validation of the whole body; all errors are collected. Any hard error -> 400 with the hard
       errors only; otherwise 201 with the soft errors.
  Hard errors (400):
    VAL100  urn missing (or null)                                   path $.urn
    VAL101  urn malformed: not a JSON integer of exactly six digits path $.urn, detail = the value
    VAL102  urn not in knownUrns                                    path $.urn, detail = the urn
    VAL110  body is not a JSON object                               path $
    VAL111  submissionData missing or not an array                  path $.submissionData
    VAL112  a submissionData element is not an object               path $.submissionData[i]
    VAL113  date missing, not a string, not YYYY-MM-DD, or not a real date   ...[i].date
    VAL114  schoolSession missing or not "AM"/"PM"                  ...[i].schoolSession
    VAL115  attendances missing or not an array, or an element not an object ...[i].attendances[j]
    VAL116  value missing or not an integer (JSON number with no fraction/exponent; not boolean)
    VAL117  attendanceCode missing or not a string
    VAL118  ncYearGroup missing or not a string
    VAL119  totalNoOfPupils missing or not an integer; noOfPupilsOnRoll (optional) not an integer
    VAL120  two elements for the same (date, ncYearGroup, schoolSession)
    VAL121  the same attendanceCode twice in one element
  Soft errors (accepted, 201; the figures are stored as sent):
    VAL103  ncYearGroup not one of E1 E2 N1 N2 R 1..14 X          path ...[i].ncYearGroup
    VAL104  attendanceCode not in the union of the national code sets (before and from
            19 August 2024)                      path ...[i].attendances[j].attendanceCode
    VAL105  a negative value (attendance value, totalNoOfPupils or noOfPupilsOnRoll)
  Every error object is {"code","title","detail","path"}; for VAL101..VAL105 "detail" is the
  offending value as text (e.g. "ZZ"); "path" is a JSONPath into the body, or null for errors about
  headers. Other 400 bodies have the same shape: {"errors":[...]}.
  Accepted: 201 {"submissionRef":"SUB-<n>","errors":[...]}, n = 1, 2, ... per server run.
  Receiver semantics: an accepted submission REPLACES, for its urn and for each date it carries,
  everything stored before (absolute counts, never added).

GET /codes/attendance   -> 200 [{"attendanceCode":"/","attendanceDescription":"..."}, ...]
GET /codes/ncyeargroup  -> 200 [{"ncYearGroup":"E1","description":"..."}, ...]
  Both need steps 1 and 2 above (bearer token, subscription key when configured).

Any other path -> 404 {"statusCode":404,"message":"Resource not found"}; a known path with another
method -> 405 with an Allow header. A request body larger than 8 MiB -> 413 (connection closed);
invalid Content-Length -> 400 (connection closed). Chunked request bodies are accepted.

RECORD (--record): one JSON object per line, appended and flushed before the response is sent
===================================================================================================

  {"seq": 1,                          1, 2, ... in the order the lines are written
   "time": "2026-11-27T09:00:00.123Z",  when the request had been read in full (UTC), before
                                      any delay
   "method": "POST", "path": "/attendances",   path as in the request line (query included)
   "headers": {"Authorization": "Bearer ...", ...},  as received: names in their received case and
                                      order, a repeated name joined with ", ". Secrets and tokens
                                      are recorded verbatim: the record is test data.
   "sessionId": "<uuid>",             the api-client-session-id header (any case), or null
   "connection": 3,                   the TCP connection it came on: 1, 2, ... in accept order
   "connectionRequest": 2,            its place on that connection: 1 = the first request
   "body": "...",                     the exact request body: the UTF-8 text when the bytes are
   "bodyEncoding": "utf-8",           valid UTF-8 ("utf-8"), otherwise base64 of the bytes
                                      ("base64"). "" for no body, and for a body that was not
                                      read (413, or a Content-Length that is not a number).
   "bodySha256": "<hex>",             SHA-256 of the body bytes
   "status": 201,                     status sent (in the status line), or null when no status
                                      line was sent (reset, stall, the trapped request)
   "responseComplete": true,          false when no complete response was sent: none, or one cut
                                      short (truncatedHeaders, truncatedBody, slowDrip past its
                                      limit). Decided before sending: a client that goes away
                                      mid-answer is only logged on stderr.
   "responseBytes": 22,               only for truncatedHeaders/truncatedBody/slowDrip: the bytes
                                      written on the wire (head and body)
   "suppressedStatus": 201,           when normal handling ran but its answer was not sent as is
                                      (acceptThenReset/Stall, truncatedHeaders, oddShape with
                                      handle, controlChars when accepted, a trapped request with
                                      handleSecond): the status it had
   "trapped": true,                   only for the request caught by resetReusedConnection
   "fault": {...} or null,            the fault spec used for this request
   "submissionRef": "SUB-1",          only for an accepted (or replayed) submission
   "idempotentReplay": true,          only when the answer was a replay of an accepted key
   "responseBody": "..."}             the response body sent, as text (null when none was sent;
                                      for truncatedBody/slowDrip the part sent; for huge null, and
                                      "responseBodyLength" and "responseBodySha256" are given)

  Requests that are not HTTP at all (a garbage request line, a failed TLS handshake) are answered
  or dropped by the HTTP layer and are not recorded; they are logged on stderr.

STORE (RECORD.store.json): rewritten (temporary file + rename) after every accepted submission
==============================================================================================

  {"<urn>": {"<date>": {"submissionRef": "SUB-2",
                        "submissionData": [the submissionData elements for that date, as sent]}}}

  URN and date keys are sorted; urn keys are the decimal URN; the elements are as sent (same keys,
  same order). Written as {} at start.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import hmac
import http.server
import json
import os
import re
import secrets
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
import uuid
from typing import Any

MAX_BODY_BYTES = 8 * 1024 * 1024
HANDSHAKE_TIMEOUT_SECONDS = 10
IDLE_TIMEOUT_SECONDS = 30
JSON_TYPE = "application/json; charset=utf-8"

# --------------------------------------------------------------------------------------------------
# Reference data (attendance-codes.md). The stand-in validates against the union of both sets.

# Codes in force from 19 August 2024, in payload order, then the codes only in the earlier set.
ATTENDANCE_CODES: list[tuple[str, str]] = [
    ("/", "Present (AM)"),
    ("\\", "Present (PM)"),
    ("L", "Late, arrived before the register closed"),
    ("K", "Attending education provision arranged by the local authority"),
    ("V", "Educational visit or trip"),
    ("P", "Approved sporting activity"),
    ("W", "Work experience"),
    ("B", "Other approved off-site educational activity"),
    ("C1", "Leave: regulated performance or employment abroad"),
    ("M", "Leave: medical or dental appointment"),
    ("J1", "Leave: interview for employment or another institution"),
    ("S", "Leave: study leave"),
    ("X", "Not of compulsory school age, not required to attend"),
    ("C2", "Leave: agreed part-time timetable"),
    ("C", "Leave: other exceptional circumstances"),
    ("T", "Parent travelling for occupational purposes"),
    ("R", "Religious observance"),
    ("I", "Illness"),
    ("E", "Suspended or excluded, no alternative provision"),
    ("Q", "Unable to attend: lack of access arrangements"),
    ("Y1", "Unable to attend: transport normally provided not available"),
    ("Y2", "Unable to attend: widespread disruption to travel"),
    ("Y3", "Unable to attend: part of the school premises closed"),
    ("Y4", "Unable to attend: whole school site unexpectedly closed"),
    ("Y5", "Unable to attend: in criminal justice detention"),
    ("Y6", "Unable to attend: public health guidance or law"),
    ("Y7", "Unable to attend: any other unavoidable cause"),
    ("G", "Holiday not authorised"),
    ("N", "Reason not yet provided"),
    ("O", "Absent in other or unknown circumstances"),
    ("U", "Arrived after the register closed"),
    ("D", "Dual registered, attending the other school"),
    ("Z", "Prospective pupil not yet on roll"),
    ("#", "Planned whole-school closure"),
    # In force before 19 August 2024 only:
    ("J", "Interview (before 19 August 2024)"),
    ("H", "Agreed family holiday (before 19 August 2024)"),
    ("Y", "Unable to attend due to exceptional circumstances (before 19 August 2024)"),
]
VALID_CODES = frozenset(code for code, _ in ATTENDANCE_CODES)

YEAR_GROUPS: list[tuple[str, str]] = (
    [("E1", "Early years 1"), ("E2", "Early years 2"), ("N1", "Nursery 1"), ("N2", "Nursery 2"),
     ("R", "Reception")]
    + [(str(n), f"Year {n}") for n in range(1, 15)]
    + [("X", "National Curriculum not followed")]
)
VALID_YEAR_GROUPS = frozenset(group for group, _ in YEAR_GROUPS)

FAULT_KINDS = {"normal", "delay", "holdAnswer", "softErrors", "acceptThenReset", "acceptThenStall", "reset",
               "truncatedHeaders", "truncatedBody", "slowDrip", "huge", "oddShape", "controlChars",
               "badToken", "retryAfterHuge", "resetReusedConnection"}
FAULT_ENDPOINTS = ("token", "attendances", "codes")

# Routes: path -> (fault list name, allowed method).
ROUTES = {
    "/token": ("token", "POST"),
    "/attendances": ("attendances", "POST"),
    "/codes/attendance": ("codes", "GET"),
    "/codes/ncyeargroup": ("codes", "GET"),
}

# Used with fullmatch(); [0-9] rather than \d, which also matches non-ASCII digits.
IDEMPOTENCY_KEY_RE = re.compile(r'"([0-9a-fA-F]{64})"')
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CONTENT_LENGTH_RE = re.compile(r"[0-9]{1,15}")
CHUNK_SIZE_RE = re.compile(rb"[0-9a-fA-F]{1,8}")


def log(message: str) -> None:
    """One line to stderr. Callers never pass tokens, secrets or bodies."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%H:%M:%S.%f")[:-3]
    sys.stderr.write(f"[dfe-standin {stamp}] {message}\n")
    sys.stderr.flush()


def json_bytes(value: Any) -> bytes:
    # ensure_ascii: strings from a request may hold lone surrogates ("\ud800" is valid JSON), which
    # cannot be encoded as UTF-8; as \u escapes they round-trip.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def write_atomically(path: str, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    tmp = f"{path}.tmp.{os.getpid()}.{threading.get_ident()}"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------------
# Configuration


class ConfigError(Exception):
    pass


# Defaults of the hostile fault kinds (FAULTS in the docstring).
DEFAULT_CONTROL_TEXT = ("\u001b[2J\u001b[31mDfE\u001b[0m\r\n\u2713 accepted SUB-999\r\n"
                        "bare\nLF\u0007\u0000\u009b31m\u202eend")
DEFAULT_BAD_TOKEN = "tok\r\nX-Injected: yes"
DEFAULT_RETRY_AFTER = "9223372036854775807"
DEFAULT_HUGE_BYTES = 4 * 1024 * 1024
MAX_HUGE_BYTES = 256 * 1024 * 1024
MAX_DRIP_SECONDS = 300
CLOSE_MODES = ("fin", "notify", "reset")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_status(value: Any) -> bool:
    return is_integer(value) and 200 <= value <= 599


def _check_headers(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())


# kind -> {key: (check, what it must be)}; keys not listed are unknown.
HOSTILE_KEYS: dict[str, dict[str, tuple[Any, str]]] = {
    "truncatedHeaders": {
        "status": (_check_status, "an integer from 200 to 599"),
        "close": (lambda v: v in CLOSE_MODES, f"one of {list(CLOSE_MODES)}")},
    "truncatedBody": {
        "contentLength": (lambda v: is_integer(v) and v >= 1, "an integer >= 1"),
        "bodyBytesSent": (lambda v: is_integer(v) and v >= 0, "an integer >= 0"),
        "close": (lambda v: v in CLOSE_MODES, f"one of {list(CLOSE_MODES)}")},
    "slowDrip": {
        "intervalMs": (lambda v: _is_number(v) and 0 < v <= 10000, "a number > 0 and <= 10000"),
        "maxSeconds": (lambda v: _is_number(v) and 0 < v <= MAX_DRIP_SECONDS,
                       f"a number > 0 and <= {MAX_DRIP_SECONDS}"),
        "headersAtOnce": (lambda v: isinstance(v, bool), "true or false")},
    "huge": {
        "bytes": (lambda v: is_integer(v) and 0 <= v <= MAX_HUGE_BYTES,
                  f"an integer from 0 to {MAX_HUGE_BYTES}"),
        "chunked": (lambda v: isinstance(v, bool), "true or false")},
    "oddShape": {
        "status": (_check_status, "an integer from 200 to 599"),
        "body": (lambda v: True, "any JSON value"),
        "contentType": (lambda v: isinstance(v, str), "a string"),
        "headers": (_check_headers, "an object of strings"),
        "handle": (lambda v: isinstance(v, bool), "true or false")},
    "controlChars": {
        "text": (lambda v: isinstance(v, str), "a string"),
        "status": (_check_status, "an integer from 200 to 599"),
        "error": (lambda v: isinstance(v, str), "a string")},
    "badToken": {
        "accessToken": (lambda v: isinstance(v, str), "a string")},
    "retryAfterHuge": {
        "status": (_check_status, "an integer from 200 to 599"),
        "retryAfter": (lambda v: isinstance(v, str) or is_integer(v), "a string or an integer")},
    "resetReusedConnection": {
        "close": (lambda v: v in CLOSE_MODES, f"one of {list(CLOSE_MODES)}"),
        "handleSecond": (lambda v: isinstance(v, bool), "true or false")},
}
REQUIRED_KEYS = {"oddShape": {"body"}}
ENDPOINT_ONLY = {"badToken": "token"}


def _validate_fault(spec: Any, where: str, endpoint: str = "") -> dict:
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: a fault spec must be an object")
    if "status" in spec and "kind" not in spec:
        allowed = {"status", "headers", "body", "bodyBase64"}
        status = spec["status"]
        if not isinstance(status, int) or isinstance(status, bool) or not 200 <= status <= 599:
            raise ConfigError(f"{where}.status: must be an integer from 200 to 599")
        headers = spec.get("headers", {})
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise ConfigError(f"{where}.headers: must be an object of strings")
        if "body" in spec and "bodyBase64" in spec:
            raise ConfigError(f"{where}: give body or bodyBase64, not both")
        if "bodyBase64" in spec:
            try:
                base64.b64decode(spec["bodyBase64"], validate=True)
            except (binascii.Error, TypeError, ValueError) as e:
                raise ConfigError(f"{where}.bodyBase64: {e}") from None
    else:
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise ConfigError(f'{where}: needs "status" or a "kind" among {sorted(FAULT_KINDS)}')
        allowed = {"kind"}
        if kind in HOSTILE_KEYS:
            keys = HOSTILE_KEYS[kind]
            allowed |= set(keys)
            for key, (check, what) in keys.items():
                if key in spec and not check(spec[key]):
                    raise ConfigError(f"{where}.{key}: must be {what}")
            missing = REQUIRED_KEYS.get(kind, set()) - set(spec)
            if missing:
                raise ConfigError(f"{where}: {kind} needs {sorted(missing)}")
            only = ENDPOINT_ONLY.get(kind)
            if only is not None and endpoint != only:
                raise ConfigError(f"{where}: {kind} is only for the {only} endpoint")
        if kind in ("delay", "holdAnswer", "acceptThenStall"):
            allowed.add("seconds")
            seconds = spec.get("seconds")
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
                raise ConfigError(f"{where}.seconds: must be a number >= 0")
        if kind == "softErrors":
            allowed.add("errors")
            errors = spec.get("errors")
            if not isinstance(errors, list) or not all(isinstance(e, dict) for e in errors):
                raise ConfigError(f"{where}.errors: must be an array of objects")
    unknown = set(spec) - allowed
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    return spec


def load_config(path: str) -> dict:
    """Read and validate the configuration; returns it with defaults filled in."""
    try:
        with open(path, "rb") as f:
            raw = json.load(f)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    except ValueError as e:
        raise ConfigError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(raw, dict):
        raise ConfigError("the configuration must be a JSON object")
    known = {"clients", "subscriptionKey", "scope", "knownUrns", "tokenLifetimeSeconds",
             "expiresInAsString", "requireIdempotencyKey", "faults"}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"unknown configuration keys {sorted(unknown)}")

    clients = raw.get("clients")
    if not isinstance(clients, dict) or not clients or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in clients.items()
    ):
        raise ConfigError("clients: must be a non-empty object of client id -> secret strings")
    for key in ("subscriptionKey", "scope"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise ConfigError(f"{key}: must be a string or null")
    known_urns = raw.get("knownUrns")
    if known_urns is not None:
        if not isinstance(known_urns, list) or not all(
            isinstance(u, (str, int)) and not isinstance(u, bool) for u in known_urns
        ):
            raise ConfigError("knownUrns: must be an array of strings or integers, or null")
        known_urns = frozenset(str(u) for u in known_urns)
    lifetime = raw.get("tokenLifetimeSeconds", 3599)
    if not isinstance(lifetime, int) or isinstance(lifetime, bool) or lifetime < 0:
        raise ConfigError("tokenLifetimeSeconds: must be an integer >= 0")
    for key in ("expiresInAsString", "requireIdempotencyKey"):
        if key in raw and not isinstance(raw[key], bool):
            raise ConfigError(f"{key}: must be true or false")
    faults = raw.get("faults") or {}
    if not isinstance(faults, dict):
        raise ConfigError("faults: must be an object")
    unknown = set(faults) - set(FAULT_ENDPOINTS)
    if unknown:
        raise ConfigError(
            f"faults: unknown endpoints {sorted(unknown)} (known: {list(FAULT_ENDPOINTS)})")
    fault_lists: dict[str, list[dict]] = {}
    for endpoint in FAULT_ENDPOINTS:
        specs = faults.get(endpoint) or []
        if not isinstance(specs, list):
            raise ConfigError(f"faults.{endpoint}: must be an array")
        fault_lists[endpoint] = [
            _validate_fault(s, f"faults.{endpoint}[{i}]", endpoint) for i, s in enumerate(specs)
        ]
    return {
        "clients": dict(clients),
        "subscriptionKey": raw.get("subscriptionKey"),
        "scope": raw.get("scope"),
        "knownUrns": known_urns,
        "tokenLifetimeSeconds": lifetime,
        "expiresInAsString": raw.get("expiresInAsString", False),
        "requireIdempotencyKey": raw.get("requireIdempotencyKey", True),
        "faults": fault_lists,
    }


# --------------------------------------------------------------------------------------------------
# Requests and responses, independent of the socket


@dataclasses.dataclass
class Request:
    method: str
    path: str  # without the query string
    headers: Any  # http.client.HTTPMessage: case-insensitive get()
    body: bytes


@dataclasses.dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    submission_ref: str | None = None
    replay: bool = False

    @staticmethod
    def json(status: int, value: Any, *headers: tuple[str, str]) -> "Response":
        return Response(status, json_bytes(value), [("Content-Type", JSON_TYPE), *headers])


def error(code: str, title: str, detail: str, path: str | None) -> dict:
    return {"code": code, "title": title, "detail": detail, "path": path}


def errors_response(status: int, *errs: dict) -> Response:
    return Response.json(status, {"errors": list(errs)})


def media_type(headers: Any) -> str:
    """The media type of Content-Type, lower-case, without parameters ("" when absent)."""
    return (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------------------
# Body validation (pure)


def validate_submission(
    body: Any, known_urns: frozenset[str] | None
) -> tuple[list[dict], list[dict]]:
    """Validates a parsed submission body. Returns (hard errors, soft errors)."""
    hard: list[dict] = []
    soft: list[dict] = []
    if not isinstance(body, dict):
        return [error("VAL110", "Invalid body", "the body must be a JSON object", "$")], []

    # URN: missing, malformed, unknown.
    urn = body.get("urn")
    if urn is None:
        hard.append(error("VAL100", "URN missing", "urn is required", "$.urn"))
    elif not is_integer(urn) or not 100000 <= urn <= 999999:
        hard.append(error("VAL101", "Invalid URN", as_text(urn), "$.urn"))
    elif known_urns is not None and str(urn) not in known_urns:
        hard.append(error("VAL102", "Unknown URN", str(urn), "$.urn"))

    def check_count(value: Any, path: str, required: bool) -> None:
        if value is None and not required:
            return
        if not is_integer(value):
            hard.append(error("VAL119", "Invalid pupil count",
                              f"must be an integer, got {as_text(value)}", path))
        elif value < 0:
            soft.append(error("VAL105", "Negative value", str(value), path))

    check_count(body.get("totalNoOfPupils"), "$.totalNoOfPupils", required=True)

    data = body.get("submissionData")
    if not isinstance(data, list):
        hard.append(error("VAL111", "Invalid submissionData",
                          "submissionData must be an array", "$.submissionData"))
        return hard, soft

    seen_elements: set[tuple] = set()
    for i, element in enumerate(data):
        at = f"$.submissionData[{i}]"
        if not isinstance(element, dict):
            hard.append(error("VAL112", "Invalid submissionData element", "must be an object", at))
            continue

        date = element.get("date")
        if not isinstance(date, str) or not DATE_RE.fullmatch(date):
            hard.append(error("VAL113", "Invalid date",
                              f"date must be YYYY-MM-DD, got {as_text(date)}", f"{at}.date"))
        else:
            try:
                dt.date.fromisoformat(date)
            except ValueError:
                hard.append(error("VAL113", "Invalid date", f"{date} is not a real date",
                                  f"{at}.date"))

        session = element.get("schoolSession")
        if session not in ("AM", "PM"):
            hard.append(error("VAL114", "Invalid schoolSession",
                              f"schoolSession must be AM or PM, got {as_text(session)}",
                              f"{at}.schoolSession"))

        group = element.get("ncYearGroup")
        if not isinstance(group, str):
            hard.append(error("VAL118", "Invalid ncYearGroup",
                              f"ncYearGroup must be a string, got {as_text(group)}",
                              f"{at}.ncYearGroup"))
        elif group not in VALID_YEAR_GROUPS:
            soft.append(error("VAL103", "Invalid NC year group", group, f"{at}.ncYearGroup"))

        check_count(element.get("noOfPupilsOnRoll"), f"{at}.noOfPupilsOnRoll", required=False)

        key = (as_text(date), as_text(group), as_text(session))
        if key in seen_elements:
            hard.append(error("VAL120", "Duplicate submissionData element",
                              f"a second element for date {key[0]}, year group {key[1]}, "
                              f"session {key[2]}", at))
        seen_elements.add(key)

        attendances = element.get("attendances")
        if not isinstance(attendances, list):
            hard.append(error("VAL115", "Invalid attendances",
                              "attendances must be an array", f"{at}.attendances"))
            continue
        seen_codes: set[str] = set()
        for j, mark in enumerate(attendances):
            at_mark = f"{at}.attendances[{j}]"
            if not isinstance(mark, dict):
                hard.append(error("VAL115", "Invalid attendance", "must be an object", at_mark))
                continue
            code = mark.get("attendanceCode")
            if not isinstance(code, str):
                hard.append(error("VAL117", "Invalid attendanceCode",
                                  f"attendanceCode must be a string, got {as_text(code)}",
                                  f"{at_mark}.attendanceCode"))
            else:
                if code not in VALID_CODES:
                    soft.append(error("VAL104", "Invalid attendance code", code,
                                      f"{at_mark}.attendanceCode"))
                if code in seen_codes:
                    hard.append(error("VAL121", "Duplicate attendanceCode",
                                      f"{code} appears twice in one element",
                                      f"{at_mark}.attendanceCode"))
                seen_codes.add(code)
            value = mark.get("value")
            if not is_integer(value):
                hard.append(error("VAL116", "Invalid value",
                                  f"value must be an integer, got {as_text(value)}",
                                  f"{at_mark}.value"))
            elif value < 0:
                soft.append(error("VAL105", "Negative value", str(value), f"{at_mark}.value"))
    return hard, soft


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:20]} out of range")
    return value


def parse_json(body: bytes) -> Any:
    """Strict JSON: UTF-8 only (no BOM sniffing), no NaN/Infinity, finite numbers.
    Raises ValueError for anything else (including nesting too deep to parse)."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_reject_constant,
                          parse_float=_finite_float)
    except RecursionError:
        raise ValueError("nested too deeply") from None


# --------------------------------------------------------------------------------------------------
# The service: state shared by all connections, guarded by one lock.


class StandIn:
    def __init__(self, config: dict, record_path: str) -> None:
        self.lock = threading.RLock()
        self.config = config
        self.faults = {k: list(v) for k, v in config["faults"].items()}
        self.record_path = record_path
        self.store_path = record_path + ".store.json"
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (client id, monotonic expiry)
        self.accepted_keys: dict[str, Response] = {}  # idempotency key (lower-case hex) -> answer
        self.key_bodies: dict[str, str] = {}  # idempotency key -> SHA-256 of the first body sent with it
        self.store: dict[str, dict[str, dict]] = {}
        self.submission_count = 0
        self.seq = 0
        self.connections = 0
        with open(self.record_path, "wb"):
            pass  # truncate
        self._write_store()

    def reload(self, config: dict) -> None:
        """SIGHUP: new configuration and fault lists; tokens, keys and the store are kept."""
        with self.lock:
            self.config = config
            self.faults = {k: list(v) for k, v in config["faults"].items()}

    def next_connection_id(self) -> int:
        with self.lock:
            self.connections += 1
            return self.connections

    def register_token(self, token: str, request: Request) -> None:
        """badToken: make the odd token valid for the client that asked, so that a client that
        uses it anyway gets through and shows up in the record."""
        client_id = form_client_id(request)
        with self.lock:
            self.tokens[token.strip()] = (client_id,
                                          time.monotonic() + self.config["tokenLifetimeSeconds"])

    def next_fault(self, endpoint: str) -> dict | None:
        with self.lock:
            queue = self.faults.get(endpoint)
            return queue.pop(0) if queue else None

    # -- recording -------------------------------------------------------------------------------

    def record(self, entry: dict) -> None:
        """Append one line to the record and flush it (closing the file flushes it to the OS)."""
        with self.lock:
            self.seq += 1
            line = json.dumps({"seq": self.seq, **entry}, ensure_ascii=True) + "\n"
            with open(self.record_path, "a", encoding="ascii") as f:
                f.write(line)

    def _write_store(self) -> None:
        # URNs and dates sorted; the submissionData elements keep the keys and order they were sent.
        ordered = {urn: dict(sorted(dates.items())) for urn, dates in sorted(self.store.items())}
        data = json.dumps(ordered, indent=2, ensure_ascii=True) + "\n"  # see json_bytes
        write_atomically(self.store_path, data.encode("ascii"))

    # -- dispatch --------------------------------------------------------------------------------

    def handle(self, request: Request, extra_errors: list[dict] | None = None) -> Response:
        """Normal handling. extra_errors (the softErrors fault) are added to an accepted
        submission's answer, and so also to any later replay of it."""
        if request.path == "/token":
            return self.handle_token(request)
        if request.path == "/attendances":
            return self.handle_attendances(request, extra_errors or [])
        if request.path == "/codes/attendance":
            return self.handle_codes(request, [
                {"attendanceCode": c, "attendanceDescription": d} for c, d in ATTENDANCE_CODES])
        if request.path == "/codes/ncyeargroup":
            return self.handle_codes(request, [
                {"ncYearGroup": g, "description": d} for g, d in YEAR_GROUPS])
        return Response.json(404, {"statusCode": 404, "message": "Resource not found"})

    # -- POST /token -------------------------------------------------------------------------------

    @staticmethod
    def _oauth_error(status: int, code: str, description: str,
                     *headers: tuple[str, str]) -> Response:
        return Response.json(status, {"error": code, "error_description": description},
                             ("Cache-Control", "no-store"), ("Pragma", "no-cache"), *headers)

    def _invalid_client(self, description: str) -> Response:
        return self._oauth_error(401, "invalid_client", description,
                                 ("WWW-Authenticate", 'Basic realm="standin"'))

    def handle_token(self, request: Request) -> Response:
        def bad(description: str) -> Response:
            return self._oauth_error(400, "invalid_request", description)

        if media_type(request.headers) != "application/x-www-form-urlencoded":
            return bad("Content-Type must be application/x-www-form-urlencoded")
        try:
            pairs = urllib.parse.parse_qsl(request.body.decode("utf-8"), keep_blank_values=True,
                                           strict_parsing=bool(request.body), errors="strict",
                                           max_num_fields=50)
        except (UnicodeDecodeError, ValueError):
            return bad("the body is not valid form encoding")
        form: dict[str, str] = {}
        for name, value in pairs:
            if name in form:
                return bad(f"parameter {name} repeated")
            form[name] = value

        # Client authentication: exactly one method.
        authorization = request.headers.get("Authorization")
        if authorization is not None:
            scheme, _, credentials = authorization.strip().partition(" ")
            if scheme.lower() != "basic":
                return self._invalid_client("unsupported client authentication scheme")
            if "client_secret" in form:
                return bad("both client_secret_basic and client_secret_post used")
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
                raw_id, sep, raw_secret = decoded.partition(":")  # split at the FIRST colon
                if not sep:
                    raise ValueError("no colon")
                client_id = urllib.parse.unquote_plus(raw_id, errors="strict")
                secret = urllib.parse.unquote_plus(raw_secret, errors="strict")
            except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
                return self._invalid_client("malformed Basic credentials")
            if "client_id" in form and form["client_id"] != client_id:
                return bad("client_id in the body differs from the Basic credentials")
        elif "client_id" in form or "client_secret" in form:
            client_id, secret = form.get("client_id", ""), form.get("client_secret")
            if secret is None:
                return self._invalid_client("client_secret missing")
        else:
            return self._invalid_client("no client authentication")

        with self.lock:
            config = self.config
        expected = config["clients"].get(client_id)
        if expected is None or not hmac.compare_digest(expected.encode(), secret.encode()):
            return self._invalid_client("unknown client or wrong secret")

        grant_type = form.get("grant_type")
        if grant_type is None:
            return bad("grant_type missing")
        if grant_type != "client_credentials":
            return self._oauth_error(400, "unsupported_grant_type",
                                     "only client_credentials is supported")
        if config["scope"] is not None and form.get("scope", "").split() != [config["scope"]]:
            return self._oauth_error(400, "invalid_scope", "the requested scope is not allowed")

        token = secrets.token_urlsafe(32)
        lifetime = config["tokenLifetimeSeconds"]
        with self.lock:
            self.tokens[token] = (client_id, time.monotonic() + lifetime)
        body = {"token_type": "Bearer",
                "expires_in": str(lifetime) if config["expiresInAsString"] else lifetime,
                "access_token": token}
        return Response.json(200, body, ("Cache-Control", "no-store"), ("Pragma", "no-cache"))

    # -- bearer token and subscription key (all API endpoints) -------------------------------------

    def _authorise(self, request: Request) -> tuple[str | None, Response | None]:
        """Returns (client id the token was issued to, None) or (None, the 401 answer)."""
        def invalid_token(description: str) -> Response:
            challenge = f'Bearer error="invalid_token", error_description="{description}"'
            return Response.json(401, {"statusCode": 401,
                                       "message": f"Unauthorized: {description}"},
                                 ("WWW-Authenticate", challenge))

        scheme, _, token = (request.headers.get("Authorization") or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, invalid_token("bearer token missing")
        with self.lock:
            issued = self.tokens.get(token.strip())
            config = self.config
        if issued is None:
            return None, invalid_token("unknown token")
        client_id, expiry = issued
        if time.monotonic() >= expiry:
            return None, invalid_token("token expired")
        wanted_key = config["subscriptionKey"]
        if wanted_key is not None:
            given = request.headers.get("Ocp-Apim-Subscription-Key") or ""
            if not hmac.compare_digest(given.encode(), wanted_key.encode()):
                return None, Response.json(401, {
                    "statusCode": 401,
                    "message": "Access denied due to missing or invalid subscription key."})
        return client_id, None

    def handle_codes(self, request: Request, listing: list[dict]) -> Response:
        _, refusal = self._authorise(request)
        return refusal or Response.json(200, listing)

    # -- POST /attendances -------------------------------------------------------------------

    def handle_attendances(self, request: Request, extra_errors: list[dict]) -> Response:
        client_id, refusal = self._authorise(request)
        if refusal:
            return refusal
        if media_type(request.headers) != "application/json":
            return errors_response(415, error("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                                              "Content-Type must be application/json", None))

        # Contract headers.
        app_id = request.headers.get("api-client-app-id")
        if app_id is None:
            return errors_response(400, error("MISSING_HEADER", "Missing header",
                                              "api-client-app-id is required", None))
        if app_id != client_id:
            return errors_response(400, error("INVALID_HEADER", "Invalid header",
                                              "api-client-app-id must be the OAuth client id",
                                              None))
        session_id = request.headers.get("api-client-session-id")
        if session_id is None:
            return errors_response(400, error("MISSING_HEADER", "Missing header",
                                              "api-client-session-id is required", None))
        try:
            uuid.UUID(session_id.strip())
        except ValueError:
            return errors_response(400, error("INVALID_HEADER", "Invalid header",
                                              "api-client-session-id must be a UUID", None))

        # Idempotency-Key: "<hex SHA-256 of the body>".
        key_header = request.headers.get("Idempotency-Key")
        key = None
        if key_header is None:
            if self.config["requireIdempotencyKey"]:
                return errors_response(400, error("MISSING_HEADER", "Missing header",
                                                  "Idempotency-Key is required", None))
        else:
            match = IDEMPOTENCY_KEY_RE.fullmatch(key_header.strip())
            if not match:
                return errors_response(400, error(
                    "IDEMPOTENCY_KEY_MALFORMED", "Malformed Idempotency-Key",
                    'Idempotency-Key must be "<64 hex digits>", with the double quotes', None))
            key = match.group(1).lower()
            digest = hashlib.sha256(request.body).hexdigest()
            with self.lock:
                known = self.key_bodies.setdefault(key, digest)
            if known != digest:
                return errors_response(422, error(
                    "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key reused",
                    "this Idempotency-Key was used before with another body", None))

        # Parse, validate and store under the lock, so a concurrent repeat of the same key cannot
        # create a second submission.
        with self.lock:
            if key is not None and key in self.accepted_keys:
                first = self.accepted_keys[key]
                return dataclasses.replace(first, replay=True)
            try:
                body = parse_json(request.body)
            except ValueError as e:  # includes UnicodeDecodeError and JSONDecodeError
                return errors_response(400, error("INVALID_JSON", "Body is not JSON", str(e), "$"))
            hard, soft = validate_submission(body, self.config["knownUrns"])
            if hard:
                return errors_response(400, *hard[:100])

            self.submission_count += 1
            ref = f"SUB-{self.submission_count}"
            urn = str(body["urn"])
            by_date: dict[str, list] = {}
            for element in body["submissionData"]:
                by_date.setdefault(element["date"], []).append(element)
            school = self.store.setdefault(urn, {})
            for date, elements in by_date.items():
                school[date] = {"submissionRef": ref, "submissionData": elements}  # replace
            self._write_store()
            answer = Response.json(201, {"submissionRef": ref, "errors": soft[:100] + extra_errors})
            answer.submission_ref = ref
            if key is not None:
                self.accepted_keys[key] = answer
            return answer


def form_client_id(request: Request) -> str:
    """The client id of a token request that has already been accepted (Basic or form)."""
    authorization = (request.headers.get("Authorization") or "").strip()
    if authorization:
        decoded = base64.b64decode(authorization.partition(" ")[2].strip()).decode("utf-8")
        return urllib.parse.unquote_plus(decoded.partition(":")[0])
    return dict(urllib.parse.parse_qsl(request.body.decode("utf-8"))).get("client_id", "")


def pad_json(data: bytes, size: int) -> bytes:
    """huge: the JSON text `data` made `size` bytes long with the same meaning plus padding: an
    object gets a last member "padding": "xxx..."; any other value (or an object too small to
    take the member) gets trailing spaces. Never shorter than `data`."""
    text = data.strip()
    if text.startswith(b"{") and text.endswith(b"}"):
        member = b'"padding":""' if text == b"{}" else b',"padding":""'
        room = size - len(text) - len(member)
        if room >= 0:
            return text[:-1] + member[:-1] + b"x" * room + b'"}'
    return data + b" " * max(0, size - len(data))


def fault_response(spec: dict) -> Response:
    """The answer for a {"status": ...} fault spec."""
    headers = [(k, v) for k, v in spec.get("headers", {}).items()
               if k.lower() not in ("content-length", "transfer-encoding")]
    has_type = any(k.lower() == "content-type" for k, _ in headers)
    if "bodyBase64" in spec:
        body = base64.b64decode(spec["bodyBase64"])
    elif "body" not in spec:
        body = b""
    elif isinstance(spec["body"], str):
        body = spec["body"].encode("utf-8")
        if not has_type:
            headers.append(("Content-Type", "text/plain; charset=utf-8"))
    else:
        body = json_bytes(spec["body"])
        if not has_type:
            headers.append(("Content-Type", JSON_TYPE))
    return Response(spec["status"], body, headers)


# --------------------------------------------------------------------------------------------------
# HTTP layer


class BadRequestBody(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dfe-standin/1"
    timeout = IDLE_TIMEOUT_SECONDS  # applied to the socket by StreamRequestHandler.setup()
    # TCP_NODELAY: headers and body are separate writes; with Nagle's algorithm the body would
    # wait for the client's delayed ACK (40 ms per response on Linux).
    disable_nagle_algorithm = True
    server: "Server"

    # -- connection set-up and teardown ------------------------------------------------------------

    def setup(self) -> None:
        self.connection_id = self.server.standin.next_connection_id()
        self.connection_requests = 0  # requests read on this connection so far
        self.trap: dict | None = None  # resetReusedConnection armed on this connection
        # TLS handshake here, in this connection's thread, not in the accept loop.
        context = self.server.ssl_context
        if context is not None:
            self.request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
            try:
                self.request = context.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                # wrap_socket closes the socket on failure.
                log(f"port {self.client_address[1]}: TLS handshake failed: {e}")
                raise HandshakeFailed() from None
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        # The server only closes the raw socket, which wrap_socket detached: close the TLS one.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.close()

    def abort_connection(self, *, reset: bool) -> None:
        """Close the connection without a response: with an RST (reset) or a FIN."""
        self.close_now("reset" if reset else "fin")

    def close_now(self, mode: str) -> None:
        """Close the connection now. "reset": TCP RST (SO_LINGER 0), unsent data discarded.
        "fin": TCP FIN without a TLS close_notify (what a crashed server does). "notify": a TLS
        close_notify first (a clean end of the TLS stream; waits at most 1 s for the client's
        close_notify), then FIN. Without TLS, "notify" is "fin"."""
        self.close_connection = True
        try:
            if mode == "reset":
                # SO_LINGER on with a zero timeout makes close() send RST and discard unsent data.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            elif mode == "notify" and isinstance(self.connection, ssl.SSLSocket):
                self.connection.settimeout(1)
                try:
                    self.connection.unwrap()
                except (OSError, ValueError):
                    pass  # the close_notify went out; the client's answer is not needed
            # rfile holds a reference to the socket (makefile): close it first, so that
            # close() really closes the descriptor now. (wfile holds none, and must stay open:
            # BaseHTTPRequestHandler flushes it after every request.)
            self.rfile.close()
            self.connection.close()
        except OSError:
            pass

    def version_string(self) -> str:
        return self.server_version

    # -- logging: our own one-line format, no default request logging --------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature fixed)
        log(f"port {self.client_address[1]}: " + (format % args))

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass

    # -- dispatch: every method goes through one function ---------------------------------------

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler looks up do_<METHOD>; route them all to one place so that every
        # method gets a 404/405 rather than 501.
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self.read_chunked()
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            return b""
        if not CONTENT_LENGTH_RE.fullmatch(length_header.strip()):
            raise BadRequestBody(400, "invalid Content-Length")
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            raise BadRequestBody(413, "request body too large")
        body = self.rfile.read(length)
        if len(body) != length:
            raise ConnectionError("connection closed in the middle of the body")
        return body

    def read_chunked(self) -> bytes:
        chunks, total = [], 0
        while True:
            line = self.rfile.readline(1024)
            size_text = line.split(b";", 1)[0].strip()  # drop chunk extensions
            if not CHUNK_SIZE_RE.fullmatch(size_text):
                raise BadRequestBody(400, "invalid chunk size")
            size = int(size_text, 16)
            if size == 0:
                break
            total += size
            if total > MAX_BODY_BYTES:
                raise BadRequestBody(413, "request body too large")
            chunk = self.rfile.read(size)
            if len(chunk) != size or self.rfile.read(2) != b"\r\n":
                raise BadRequestBody(400, "malformed chunk")
            chunks.append(chunk)
        while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
            pass  # trailer fields
        return b"".join(chunks)

    def send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)  # send_header notices "Connection: close"
        no_body = self.command == "HEAD" or response.status in (204, 304)
        if response.status != 204:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not no_body:
            self.wfile.write(response.body)

    def dispatch(self) -> None:
        started = time.monotonic()
        standin = self.server.standin
        self.connection_requests += 1
        self.received_at: dt.datetime | None = None
        try:
            body = self.read_body()
            self.received_at = dt.datetime.now(dt.timezone.utc)
        except BadRequestBody as e:
            self.close_connection = True
            response = Response.json(e.status, {"statusCode": e.status, "message": str(e)},
                                     ("Connection", "close"))
            self.record_and_respond(b"", response, None, started)
            return
        except (ConnectionError, TimeoutError, OSError) as e:
            log(f"port {self.client_address[1]}: {self.command} {self.path}: body not read: {e}")
            self.close_connection = True
            return

        path = urllib.parse.urlsplit(self.path).path
        request = Request(self.command, path, self.headers, body)
        if self.trap is not None:
            # resetReusedConnection: this is the second request on the kept-alive connection.
            # Whatever it is, it is recorded and never answered; no fault is consumed.
            spec, self.trap = self.trap, None
            handled = standin.handle(request) if spec.get("handleSecond", False) else None
            self.record(body, fault=spec, started=started, status=None, outcome=handled,
                        suppressed=handled,
                        extra={"trapped": True, "responseComplete": False})
            self.close_now(spec.get("close", "reset"))
            return

        route = ROUTES.get(path)
        if route is None:
            self.record_and_respond(body, standin.handle(request), None, started)
            return
        endpoint, allowed = route
        if self.command != allowed:
            response = Response.json(405, {"statusCode": 405, "message": "Method not allowed"},
                                     ("Allow", allowed))
            self.record_and_respond(body, response, None, started)
            return

        fault = standin.next_fault(endpoint)
        kind = (fault or {}).get("kind", "status" if fault else "normal")
        if kind == "status":
            self.record_and_respond(body, fault_response(fault), fault, started)
        elif kind == "reset":
            self.record_and_respond(body, None, fault, started)
            self.abort_connection(reset=True)
        elif kind in ("acceptThenReset", "acceptThenStall"):
            response = standin.handle(request)
            self.record_and_respond(body, None, fault, started, suppressed=response)
            if kind == "acceptThenStall":
                time.sleep(fault["seconds"])
            self.abort_connection(reset=kind == "acceptThenReset")
        elif kind in HOSTILE_KEYS:
            self.hostile(kind, fault, endpoint, request, body, started)
        elif kind == "holdAnswer":
            response = standin.handle(request)
            self.record(body, fault=fault, started=started, status=response.status, outcome=response,
                        response_body=response.body, extra={"responseComplete": True})
            time.sleep(fault["seconds"])
            try:
                self.send(response)
            except OSError as e:
                self.close_connection = True
                log(f"port {self.client_address[1]}: client went away before the response: {e}")
        else:
            if kind == "delay":
                time.sleep(fault["seconds"])
            extra = fault["errors"] if kind == "softErrors" else None
            response = standin.handle(request, extra)
            self.record_and_respond(body, response, fault, started)

    # -- the hostile fault kinds (FAULTS in the docstring) ------------------------------------------

    def head_bytes(self, status: int, headers: list[tuple[str, str]],
                   content_length: int | None = None, chunked: bool = False) -> bytes:
        """Status line and header block, ending with the empty line, as send() would write them
        (Server and Date first, then the response's headers, then the framing header)."""
        reason = self.responses.get(status, ("",))[0]
        lines = [f"HTTP/1.1 {status} {reason}", f"Server: {self.version_string()}",
                 f"Date: {self.date_time_string()}"]
        lines += [f"{name}: {value}" for name, value in headers
                  if name.lower() not in ("content-length", "transfer-encoding")]
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        elif content_length is not None:
            lines.append(f"Content-Length: {content_length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")

    def write_raw(self, data: bytes) -> bool:
        """Write bytes as they are; False (and the connection marked to close) if the client
        went away."""
        try:
            self.wfile.write(data)
            return True
        except OSError as e:
            self.close_connection = True
            log(f"port {self.client_address[1]}: client went away during a fault: {e}")
            return False

    def hostile(self, kind: str, fault: dict, endpoint: str, request: Request, body: bytes,
                started: float) -> None:
        standin = self.server.standin
        default_ok = {"token": 200, "attendances": 201, "codes": 200}[endpoint]

        if kind == "retryAfterHuge":  # not processed: nothing stored, no token issued
            status = fault.get("status", 429)
            value = str(fault.get("retryAfter", DEFAULT_RETRY_AFTER))
            response = Response.json(
                status, {"statusCode": status,
                         "message": f"Rate limit is exceeded. Try again in {value} seconds."},
                ("Retry-After", value))
            self.record_and_respond(body, response, fault, started)
            return

        if kind == "oddShape":
            status = fault.get("status", default_ok)
            handled = standin.handle(request) if fault.get("handle", status < 300) else None
            raw = fault["body"]
            data = raw.encode("utf-8") if isinstance(raw, str) else json_bytes(raw)
            headers = [("Content-Type", fault.get("contentType", "application/json"))]
            headers += [(k, v) for k, v in fault.get("headers", {}).items()
                        if k.lower() not in ("content-type", "content-length",
                                             "transfer-encoding")]
            self.record_and_respond(body, Response(status, data, headers), fault, started,
                                    suppressed=handled)
            return

        if kind == "controlChars":
            self.control_chars(fault, endpoint, request, body, started)
            return

        if kind == "badToken":
            response = standin.handle(request)
            if response.status == 200:
                token = fault.get("accessToken", DEFAULT_BAD_TOKEN)
                answer = json.loads(response.body)
                answer["access_token"] = token
                standin.register_token(token, request)
                response = dataclasses.replace(response, body=json_bytes(answer))
            self.record_and_respond(body, response, fault, started)
            return

        # The rest send the answer of normal handling, mangled on the wire.
        response = standin.handle(request)
        if kind == "resetReusedConnection":
            self.record_and_respond(body, response, fault, started)
            if not self.close_connection:
                self.trap = fault  # the next request on this connection is never answered
            return

        if kind == "truncatedHeaders":
            status = fault.get("status", response.status)
            reason = self.responses.get(status, ("",))[0]
            data = f"HTTP/1.1 {status} {reason}\r\n".encode("ascii")
            self.record(body, fault=fault, started=started, status=status, outcome=response,
                        suppressed=response, response_body=None,
                        extra={"responseComplete": False, "responseBytes": len(data)})
            if self.write_raw(data):
                self.close_now(fault.get("close", "fin"))
            return

        if kind == "truncatedBody":
            length = fault.get("contentLength", len(response.body) + 16)
            sent = min(fault.get("bodyBytesSent", len(response.body)), len(response.body),
                       length - 1)
            head = self.head_bytes(response.status, response.headers, content_length=length)
            part = response.body[:sent]
            self.record(body, fault=fault, started=started, status=response.status,
                        outcome=response, response_body=part,
                        extra={"responseComplete": False,
                               "responseBytes": len(head) + len(part)})
            if self.write_raw(head + part):
                self.close_now(fault.get("close", "fin"))
            return

        if kind == "slowDrip":
            interval_ms = fault.get("intervalMs", 100)
            interval = interval_ms / 1000
            # Bytes dripped at most; rounded first so that 0.3 s / 100 ms is 3, not 2.99... = 2.
            limit = int(round(fault.get("maxSeconds", 10) * 1000 / interval_ms, 6))
            head = self.head_bytes(response.status, response.headers,
                                   content_length=len(response.body))
            at_once = head if fault.get("headersAtOnce", False) else b""
            drip = (head + response.body)[len(at_once):][:limit]
            complete = len(at_once) + len(drip) == len(head) + len(response.body)
            self.record(body, fault=fault, started=started, status=response.status,
                        outcome=response,
                        response_body=(head + response.body)[len(head):len(at_once) + len(drip)],
                        extra={"responseComplete": complete,
                               "responseBytes": len(at_once) + len(drip)})
            if at_once and not self.write_raw(at_once):
                return
            for i in range(len(drip)):
                if not self.write_raw(drip[i:i + 1]):
                    return
                if i + 1 < len(drip):
                    time.sleep(interval)
            if not complete:
                self.close_now("fin")
            return

        if kind == "huge":
            data = pad_json(response.body, fault.get("bytes", DEFAULT_HUGE_BYTES))
            chunked = fault.get("chunked", False)
            head = self.head_bytes(response.status, response.headers,
                                   content_length=None if chunked else len(data),
                                   chunked=chunked)
            self.record(body, fault=fault, started=started, status=response.status,
                        outcome=response, response_body=None,
                        extra={"responseBodyLength": len(data),
                               "responseBodySha256": hashlib.sha256(data).hexdigest()})
            if chunked:
                step = 64 * 1024
                pieces = [b"%x\r\n%s\r\n" % (len(data[i:i + step]), data[i:i + step])
                          for i in range(0, len(data), step)]
                self.write_raw(head + b"".join(pieces) + b"0\r\n\r\n")
            else:
                self.write_raw(head + data)
            return

        raise AssertionError(f"unhandled fault kind {kind}")

    def control_chars(self, fault: dict, endpoint: str, request: Request, body: bytes,
                      started: float) -> None:
        """controlChars: text with terminal escapes and line breaks where a client shows the
        server's words (OAuth error_description, DfE error title/detail, submissionRef, a code
        description)."""
        standin = self.server.standin
        text = fault.get("text", DEFAULT_CONTROL_TEXT)
        if endpoint == "token":
            status = fault.get("status", 400)
            code = fault.get("error", "invalid_client" if status == 401 else "invalid_request")
            headers = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
            if status == 401:
                headers.append(("WWW-Authenticate", 'Basic realm="standin"'))
            response = Response.json(status, {"error": code, "error_description": text},
                                     *headers)
            self.record_and_respond(body, response, fault, started)
            return
        status = fault.get("status", 200 if endpoint == "codes" else 201)
        if status >= 300:  # a rejection: not processed
            path = "$.urn" if endpoint == "attendances" else None
            response = errors_response(status, error(fault.get("error", "VAL101"), text, text,
                                                     path))
            self.record_and_respond(body, response, fault, started)
            return
        handled = standin.handle(request)
        if handled.status >= 300:  # the request itself was refused: send that, untouched
            self.record_and_respond(body, handled, fault, started)
            return
        answer = json.loads(handled.body)
        if endpoint == "codes":
            answer[0]["attendanceDescription" if "attendanceCode" in answer[0]
                      else "description"] = text
        else:
            answer["submissionRef"] = f"{answer['submissionRef']}{text}"
            answer["errors"] = answer["errors"] + [error(
                fault.get("error", "VAL104"), text, text,
                "$.submissionData[0].attendances[0].attendanceCode")]
        response = Response.json(status, answer)
        self.record_and_respond(body, response, fault, started, suppressed=handled)

    # -- recording and responding --------------------------------------------------------------

    def record_and_respond(self, body: bytes, response: Response | None, fault: dict | None,
                           started: float, suppressed: Response | None = None) -> None:
        """Record the request (flushed), log one line, then send the response if there is one."""
        self.record(body, fault=fault, started=started,
                    status=response.status if response else None,
                    outcome=suppressed if suppressed is not None else response,
                    suppressed=suppressed,
                    response_body=response.body if response else None,
                    extra={"responseComplete": response is not None})
        if response is not None:
            try:
                self.send(response)
            except OSError as e:
                self.close_connection = True
                log(f"port {self.client_address[1]}: client went away before the response: {e}")

    def record(self, body: bytes, *, fault: dict | None, started: float, status: int | None,
               outcome: Response | None = None, suppressed: Response | None = None,
               response_body: bytes | None = None, extra: dict | None = None) -> None:
        """Append the request's line to the record (flushed) and log one line on stderr.
        status: the status sent (None when no status line is sent); outcome: the normal answer
        whose submissionRef is recorded; suppressed: a normal answer that was not sent as is;
        response_body: the body bytes sent."""
        try:
            text, encoding = body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(body).decode("ascii"), "base64"
        headers: dict[str, str] = {}
        lower_to_name: dict[str, str] = {}
        for name, value in self.headers.items():
            existing = lower_to_name.setdefault(name.lower(), name)
            headers[existing] = f"{headers[existing]}, {value}" if existing in headers else value
        entry: dict[str, Any] = {
            "time": (self.received_at or dt.datetime.now(dt.timezone.utc))
                    .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": self.command,
            "path": self.path,
            "headers": headers,
            "sessionId": self.headers.get("api-client-session-id"),
            "connection": self.connection_id,
            "connectionRequest": self.connection_requests,
            "body": text,
            "bodyEncoding": encoding,
            "bodySha256": hashlib.sha256(body).hexdigest(),
            "status": status,
            "fault": fault,
        }
        if suppressed is not None:
            entry["suppressedStatus"] = suppressed.status
        if outcome is not None and outcome.submission_ref:
            entry["submissionRef"] = outcome.submission_ref
        if outcome is not None and outcome.replay:
            entry["idempotentReplay"] = True
        entry["responseBody"] = (response_body.decode("utf-8", errors="replace")
                                 if response_body is not None else None)
        entry.update(extra or {})
        self.server.standin.record(entry)

        if status is not None:
            what = str(status)
            if not entry.get("responseComplete", True):
                what += " (incomplete)"
        else:
            what = f"no response ({fault.get('kind') if fault else '?'}"
            what += f", would have been {suppressed.status})" if suppressed else ")"
        extras = ""
        if fault is not None:
            extras += f" fault={fault.get('kind', 'status')}"
        if outcome is not None and outcome.submission_ref:
            extras += f" ref={outcome.submission_ref}" + (" (replay)" if outcome.replay else "")
        elapsed_ms = (time.monotonic() - started) * 1000
        log(f"port {self.client_address[1]}: {self.command} {urllib.parse.urlsplit(self.path).path}"
            f" -> {what}{extras} {elapsed_ms:.0f}ms")


class HandshakeFailed(Exception):
    """Raised from Handler.setup() when the TLS handshake fails (already logged)."""


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # Do not wait for connection threads at close: idle keep-alive connections and stalls would
    # hold up the exit.
    block_on_close = False
    allow_reuse_address = True

    standin: StandIn  # set once bound, before serving

    def __init__(self, port: int, ssl_context: ssl.SSLContext | None) -> None:
        self.ssl_context = ssl_context
        super().__init__(("127.0.0.1", port), Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        kind, value, _ = sys.exc_info()
        if kind is HandshakeFailed:
            return
        if kind is not None and issubclass(kind, (ConnectionError, TimeoutError, ssl.SSLError)):
            log(f"port {client_address[1]}: connection error: {value}")
            return
        log(f"port {client_address[1]}: internal error (a bug in the stand-in):")
        super().handle_error(request, client_address)  # prints the traceback to stderr


# --------------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Stand-in for the DfE attendance API (tests only).")
    parser.add_argument("--cert", required=True, help="PEM certificate chain")
    parser.add_argument("--key", required=True, help="PEM private key")
    parser.add_argument("--config", required=True, help="JSON configuration")
    parser.add_argument("--record", required=True, help="request record (JSON lines)")
    parser.add_argument("--port-file", required=True, help="where to write the listening port")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: ephemeral)")
    parser.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(f"dfe_standin: configuration: {e}", file=sys.stderr)
        return 2

    context = None
    if not args.http:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.load_cert_chain(args.cert, args.key)
        except (OSError, ssl.SSLError) as e:
            print(f"dfe_standin: cannot load --cert/--key: {e}", file=sys.stderr)
            return 2

    try:
        os.unlink(args.port_file)
    except FileNotFoundError:
        pass
    try:
        server = Server(args.port, context)  # bind first: a failed start leaves the files alone
        standin = server.standin = StandIn(config, args.record)
    except OSError as e:
        print(f"dfe_standin: {e}", file=sys.stderr)
        return 2

    stop = threading.Event()

    def on_stop(signum: int, _frame: Any) -> None:
        stop.set()

    def on_hup(_signum: int, _frame: Any) -> None:
        try:
            standin.reload(load_config(args.config))
            log("configuration reloaded")
        except ConfigError as e:
            log(f"configuration not reloaded: {e}")

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_hup)
    # A parent may start us with these signals blocked (a posix_spawn from a thread that blocks them,
    # as Foundation's Process does from a dispatch thread): the mask is inherited, so unblock them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})

    # Handlers are in place before the port file tells anyone that the server is there.
    port = server.server_address[1]
    write_atomically(args.port_file, str(port).encode("ascii"))
    log(f"listening on {'http' if args.http else 'https'}://127.0.0.1:{port}")

    # serve_forever runs in a thread; the main thread only waits for a signal, then calls
    # shutdown() (which must not be called from the thread running serve_forever).
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
