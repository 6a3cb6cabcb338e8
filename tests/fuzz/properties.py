"""What every answer of the stack must satisfy, whatever the request.

- always an answer, never a 5xx;
- every error (4xx) is a JSON fault in nova's shape (``{"<name>": {"code", "message"}}``, the
  code equal to the status) and carries a request id (``x-openstack-request-id: req-<uuid>``);
- no body names code: no traceback, source file, path of the installation or exception class
  name, unless the client itself sent that text (faults may echo the client's input).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from tests.fuzz.strategies import FuzzRequest

__all__ = ["problems"]

REQUEST_ID = re.compile(r"^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CODE_MARKERS = re.compile(
    rb"Traceback|File \"|\.py\b|site-packages|/work/|/usr/lib|"
    rb"\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b|\bNoMoreData\b|\bKeyError\b"
)


def _fault_problem(status: int, body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        return "error body is not JSON"
    if not isinstance(document, dict) or len(document) != 1:
        return "error body is not a one-key JSON object"
    [detail] = document.values()
    if not isinstance(detail, dict) or detail.get("code") != status:
        return "fault code differs from the status"
    if not isinstance(detail.get("message"), str):
        return "fault has no message"
    return None


def _leaks(request: FuzzRequest, body: bytes) -> list[str]:
    sent = "\n".join([request.target, *(v for _k, v in request.headers)]).encode("latin-1")
    sent += request.body or b""
    return sorted(
        {
            marker.decode("latin-1")
            for marker in CODE_MARKERS.findall(body)
            if marker not in sent and marker.lower() not in sent.lower()
        }
    )


def problems(
    request: FuzzRequest, status: int, headers: Mapping[str, str], body: bytes
) -> list[str]:
    """:returns: the properties the answer breaks (empty when it holds them all).

    :param headers: the response headers, names lower-cased.
    """
    found = []
    if status == 0:
        return ["no response: the connection closed first"]
    if status >= 500:
        found.append(f"status {status}")
    if status >= 400:
        if not REQUEST_ID.match(headers.get("x-openstack-request-id", "")):
            found.append("error without a request id")
        if request.method != "HEAD":
            if not headers.get("content-type", "").startswith("application/json"):
                found.append(f"error content type {headers.get('content-type')!r}")
            problem = _fault_problem(status, body)
            if problem:
                found.append(problem)
    leaked = _leaks(request, body)
    if leaked:
        found.append(f"body names code: {leaked}")
    return found
