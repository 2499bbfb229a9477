"""An AWS account read live through boto3, for `gavel audit --aws`.

Connects with the standard credential chain (a named profile, environment, SSO, instance role),
checks the credentials once with STS, then reads S3 (once: the bucket list is global, each bucket
is described in its own region), and KMS, EC2, EBS, RDS and SageMaker in every region named.
Every resource becomes an AWS Config configuration item (`aws_collect`), so live audits and Config
exports (`aws_config`) are judged by the same policies.

Throttling is botocore's business: clients use its `standard` or `adaptive` retry mode with a
bounded number of attempts (exponential backoff with jitter; adaptive also rate-limits the client
side). What still fails is reported, never fatal on its own: a denied or failing list call is a
`Skipped` entry naming the IAM action, the region and the error code, and the rest of the account
is still read. Only unusable credentials, an unreachable endpoint, or an account where nothing
at all could be listed stop the run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..engine.errors import InputError, SourceLocation
from ..engine.models import Provenance, Resource
from .aws_collect import REGIONAL, Scope, error_code
from .aws_config import Item, normalise_item, resources_from_items
from .aws_s3 import s3_buckets
from .base import Skipped
from .sources import source_digest

ADAPTER_NAME = "aws"
SERVICES = ("s3", *REGIONAL)
RETRY_MODES = ("standard", "adaptive")
DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "Forbidden"}
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RetryPolicy:
    """botocore's retry settings: `mode` standard or adaptive, and total attempts per call."""

    mode: str = "standard"
    max_attempts: int = 8


@dataclass(frozen=True)
class AwsConnection:
    """A boto3 session with its account, and clients built once per service and region."""

    session: Any
    account: str
    endpoint_url: str | None
    retry: RetryPolicy
    clients: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)

    def client(self, service: str, region: str) -> Any:
        if (service, region) not in self.clients:
            from botocore.config import Config  # type: ignore[import-untyped]

            config = Config(
                retries={"mode": self.retry.mode, "max_attempts": self.retry.max_attempts},
                connect_timeout=10,
                read_timeout=60,
                user_agent_extra="gavel-audit",
            )
            self.clients[service, region] = self.session.client(
                service, region_name=region, endpoint_url=self.endpoint_url, config=config
            )
        return self.clients[service, region]

    def where(self) -> str:
        return self.endpoint_url or f"AWS account {self.account}"


def connect(
    profile: str | None, region: str, endpoint_url: str | None = None, retry: RetryPolicy = RetryPolicy()
) -> AwsConnection:
    """A session for `profile` (else the default chain), its credentials checked with STS."""
    import boto3  # type: ignore[import-untyped]
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    where = endpoint_url or (f"AWS profile {profile}" if profile else "AWS")
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
        probe = AwsConnection(session, "", endpoint_url, retry)
        identity = probe.client("sts", region).get_caller_identity()
    except ClientError as error:
        raise InputError(
            f"AWS refused the credentials: {error_code(error)}: {_message(error)}",
            SourceLocation(where),
            hint="check --aws-profile or the AWS_* environment variables",
        ) from None
    except BotoCoreError as error:
        raise InputError(
            f"cannot use AWS: {error}",
            SourceLocation(where),
            hint="check --aws-profile, --aws-endpoint-url and the AWS_* environment variables",
        ) from None
    return AwsConnection(session, str(identity["Account"]), endpoint_url, retry)


def _message(error: BaseException) -> str:
    """The error's message; an unparsed XML error body is reduced to its <Message>."""
    response = getattr(error, "response", None) or {}
    text = " ".join(str((response.get("Error") or {}).get("Message") or error).split())
    found = re.search(r"<Message>(.*?)</Message>", text)
    return found.group(1) if found else text


def _denied(error: BaseException) -> bool:
    response = getattr(error, "response", None) or {}
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    return error_code(error) in DENIED or status == 403


def skip_reason(service: str, error: BaseException, region: str) -> str:
    """`rds:DescribeDBInstances in eu-west-1 denied (AccessDenied): ...`: the IAM action it needed."""
    operation = getattr(error, "operation_name", None) or "call"
    code = error_code(error) or type(error).__name__
    verdict = "denied" if _denied(error) else "failed"
    return f"{service}:{operation} in {region} {verdict} ({code}): {_message(error)}"


@dataclass
class AwsAccount:
    """One account over several regions as an adapter; `skipped` is complete after `collect`."""

    connection: AwsConnection
    regions: Sequence[str]
    collected_at: datetime
    services: Sequence[str] = SERVICES
    page_size: int = 500
    progress: Progress | None = None
    name: str = ADAPTER_NAME
    skipped: list[Skipped] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def collect(self) -> Iterator[Resource]:
        items = [normalise_item(item) for item in self._items()]
        if not items and self.skipped:
            reasons = "; ".join(entry.reason for entry in self.skipped)
            raise InputError(f"nothing could be read: {reasons}", SourceLocation(self.connection.where()))
        for item in items:
            kind = str(item["resourceType"])
            self.counts[kind] = self.counts.get(kind, 0) + 1
        self._report(f"collected {len(items)} AWS resources in {', '.join(self.regions)}")
        yield from resources_from_items(items, self._provenance)

    def _items(self) -> Iterator[Item]:
        if "s3" in self.services:
            yield from self._unit(self._scope(self.regions[0]), "s3", "AWS::S3::Bucket", s3_buckets)
        for region in self.regions:
            scope = self._scope(region)
            for service in (s for s in self.services if s in REGIONAL):
                for kind, collector in REGIONAL[service]:
                    yield from self._unit(scope, service, kind, collector)

    def _unit(
        self, scope: Scope, service: str, kind: str, collector: Callable[[Scope], Iterator[Item]]
    ) -> list[Item]:
        """One kind in one region, listed in full or not at all."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            items = list(collector(scope))
        except ClientError as error:
            self._skip(service, kind, error, scope.region)
            return []
        except BotoCoreError as error:
            raise InputError(
                f"cannot reach AWS ({service} in {scope.region}): {error}",
                SourceLocation(self.connection.where()),
            ) from None
        where = "every region" if service == "s3" else scope.region
        self._report(f"{kind} in {where}: {len(items)}")
        return items

    def _scope(self, region: str) -> Scope:
        def skip(service: str, what: str, error: BaseException) -> None:
            self._skip(service, what, error, region)

        return Scope(
            account=self.connection.account,
            region=region,
            captured_at=self.collected_at.isoformat(),
            page_size=self.page_size,
            client=self.connection.client,
            skip=skip,
        )

    def _skip(self, service: str, what: str, error: BaseException, region: str) -> None:
        source = f"aws://{self.connection.account}/{region}/{service}/{what}"
        entry = Skipped(source=source, reason=skip_reason(service, error, region))
        self.skipped.append(entry)
        self._report(str(entry))

    def _provenance(self, item: Mapping[str, Any]) -> Provenance:
        source = f"aws://{item['accountId']}/{item['awsRegion']}/{item['resourceType']}/{item['resourceId']}"
        canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return Provenance(ADAPTER_NAME, source, source_digest(canonical.encode("utf-8")), self.collected_at)

    def describe(self) -> dict[str, Any]:
        """What was audited, for the evidence record."""
        return {
            "type": ADAPTER_NAME,
            "account": self.connection.account,
            "endpoint_url": self.connection.endpoint_url,
            "regions": list(self.regions),
            "services": list(self.services),
            "retry": {"mode": self.connection.retry.mode, "max_attempts": self.connection.retry.max_attempts},
            "resources": dict(sorted(self.counts.items())),
            "not_collected": [str(skipped) for skipped in self.skipped],
        }

    def _report(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)
