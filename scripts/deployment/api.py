"""The shop's HTTP API as a client sees it (standard library only): JSON in and out, a bearer
token, and answers that are not the expected status raised with what the server said."""

import json
import urllib.error
import urllib.request

from .report import DeployError


class Api:
    def __init__(self, base, token=None, timeout=30):
        self.base = base.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(self, method, path, body=None, expect=(200,), headers=None):
        """(status, parsed body). A status outside `expect` raises DeployError."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise DeployError(f"{method} {self.base}{path}: no answer ({getattr(error, 'reason', error)})")
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")[:500]
        if status not in expect:
            raise DeployError(f"{method} {self.base}{path} answered HTTP {status}: {str(parsed)[:500]}")
        return status, parsed

    def put_bytes(self, url, data, headers):
        """A PUT to a presigned URL (not this API): the exact headers the URL was signed with."""
        request = urllib.request.Request(url, data=data, method="PUT")
        for name, value in headers.items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            raise DeployError(f"PUT {url.split('?')[0]} answered HTTP {error.code}: {error.read()[:300]!r}")
