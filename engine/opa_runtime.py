"""The OPA server as a Rego runtime: the same bundle and questions as the embedded engine, over HTTP.

Where users already run OPA, gavel pushes its bundle there through OPA's Policy and Data APIs
(with `opa-python-client`) and asks `POST /v1/data/<path>`. Policies are stored under ids that
start with `gavel/`, so a reload replaces gavel's own modules and deletes stale ones without
touching anyone else's. OPA's error bodies become `PolicyError` (compile errors, with
file:line:col) or `EvaluationError`; a server that cannot be reached is `RuntimeUnavailableError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any
from urllib.parse import quote, urlsplit

from .errors import PolicyError, RuntimeUnavailableError, SourceLocation, UsageError
from .rego import EvaluationError, RegoBundle

POLICY_ID_PREFIX = "gavel/"


def _policy_id(module_path: str) -> str:
    return POLICY_ID_PREFIX + module_path


def _location(error: Mapping[str, Any]) -> SourceLocation | None:
    where = error.get("location") or {}
    file = where.get("file")
    if not file:
        return None
    return SourceLocation(file.removeprefix(POLICY_ID_PREFIX), where.get("row"), where.get("col"))


def _first_detail(body: Mapping[str, Any]) -> tuple[str, SourceLocation | None]:
    """OPA's most specific message and location: the first entry of `errors`, else the top level."""
    for error in body.get("errors") or []:
        if isinstance(error, Mapping) and error.get("message"):
            return str(error["message"]), _location(error)
    return str(body.get("message") or body.get("code") or "unknown error"), None


class OpaServerRuntime:
    """A `RegoRuntime` backed by an OPA server (or gavel's own OPA-compatible server)."""

    name = "opa"

    def __init__(self, url: str, *, timeout: float) -> None:
        from opa_client import OpaClient

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            raise UsageError(f"OPA URL {url!r} must look like http://host:port (no path)")
        secure = parts.scheme == "https"
        self.url = url.rstrip("/")
        self._client: Any = OpaClient(
            host=parts.hostname,
            port=parts.port or (443 if secure else 80),
            ssl=secure,
            timeout=timeout,
            retries=0,  # OPA answers evaluation errors with HTTP 500: never send a query twice
        )
        self._session: Any = self._client._session  # for the two calls the client has no method for
        self._timeout = timeout

    def version(self) -> str:
        """OPA reports its version in the provenance of a Data API answer (`?provenance=true`)."""
        with self._translated_errors("GET /v1/data?provenance"):
            response = self._session.get(
                f"{self._client.root_url}/data/system/version",
                params={"provenance": "true"},
                timeout=self._timeout,
            )
            response.raise_for_status()
        reported = (response.json().get("provenance") or {}).get("version")
        return f"opa-server {reported} ({self.url})" if reported else f"opa-server {self.url}"

    def load(self, bundle: RegoBundle) -> None:
        if bundle.rego_v0_modules:
            names = ", ".join(sorted(bundle.rego_v0_modules))
            raise PolicyError(f"the OPA server runtime takes Rego v1 modules only; v0: {names}")
        with self._translated_errors("GET /v1/policies"):
            existing = {pid for pid in self._client.get_policies_list() if pid.startswith(POLICY_ID_PREFIX)}
        stale = sorted(existing - {_policy_id(path) for path in bundle.modules})
        self._converge(
            [
                (f"PUT /v1/policies/{path}", partial(self._put_module, path, text))
                for path, text in bundle.modules.items()
            ]
            + [
                (f"DELETE /v1/policies/{pid}", partial(self._client.delete_policy, quote(pid)))
                for pid in stale
            ]
        )
        with self._translated_errors("PUT /v1/data"):
            # the client writes below the root only; the bundle's data replaces the whole document
            response = self._session.put(
                f"{self._client.root_url}/data", json=dict(bundle.data), timeout=self._timeout
            )
            response.raise_for_status()

    def query(self, path: str, input_document: Mapping[str, Any]) -> tuple[bool, Any]:
        with self._translated_errors(f"POST /v1/data/{path}"):
            body: dict[str, Any] = self._client.query_rule(dict(input_document), path)
        if "result" not in body:
            return False, None
        return True, body["result"]

    def _put_module(self, path: str, text: str) -> None:
        self._client.update_policy_from_string(text, quote(_policy_id(path)), rego_compat=False)

    def _converge(self, steps: Sequence[tuple[str, Callable[[], object]]]) -> None:
        """Run every step; OPA recompiles on each, so a step can fail only because of the order
        (a module calling a function not uploaded yet, a stale module still defining a default
        rule): retry the failed ones while any succeeds, then report the first failure. A failed
        load leaves the server with every step that did succeed; loading again repairs it."""
        pending = steps
        while pending:
            failed: list[tuple[str, Callable[[], object], PolicyError]] = []
            for action, step in pending:
                try:
                    with self._translated_errors(action):
                        step()
                except RuntimeUnavailableError:
                    raise
                except PolicyError as error:
                    failed.append((action, step, error))
            if len(failed) == len(pending):
                raise failed[0][2]
            pending = [(action, step) for action, step, _ in failed]

    @contextmanager
    def _translated_errors(self, action: str) -> Iterator[None]:
        """Turn what the client and `requests` raise into gavel's errors, reading OPA's error body."""
        import requests
        from opa_client.errors import DeletePolicyError, RegoParseError

        try:
            yield
        except RegoParseError as error:
            message, location = _first_detail({"message": error.message, "errors": error.errors})
            raise PolicyError(f"Rego error: {message}", location) from None
        except requests.HTTPError as error:
            response = error.response
            try:
                body = response.json()
            except ValueError:
                body = {"message": response.text.strip() or response.reason}
            message, location = _first_detail(body)
            if response.status_code >= 500 and body.get("errors"):
                raise EvaluationError(message, location) from None
            raise RuntimeUnavailableError(f"OPA server at {self.url} refused {action}: {message}") from None
        except DeletePolicyError as error:
            if error.expression == "invalid_parameter":  # the remaining modules would not compile
                raise PolicyError(f"Rego error: {error.message}") from None
            refusal = f"OPA server at {self.url} refused {action}: {error.message}"
            raise RuntimeUnavailableError(refusal) from None
        except requests.RequestException as error:
            raise RuntimeUnavailableError(
                f"OPA server at {self.url} cannot be reached ({type(error).__name__})",
                hint="start it or check the OPA URL",
            ) from None
