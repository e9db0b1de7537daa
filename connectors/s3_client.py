"""The boto3 client an S3 source is read through, and the one-line errors it turns into.

Why these settings
    * Credentials come from boto3's standard chain (environment, ``~/.aws``
      profiles, SSO, container and instance roles); ``profile`` picks a named
      profile.  Secrets are never accepted in the ``s3://`` URI.
    * ``endpoint_url`` and ``addressing_style`` reach S3-compatible stores:
      MinIO and most self-hosted stores need ``path``; Alibaba OSS
      (``https://oss-cn-hangzhou.aliyuncs.com``) and Tencent COS
      (``https://cos.ap-shanghai.myqcloud.com``) need ``virtual``; ``auto`` (the
      default) lets botocore choose (virtual-host for DNS-compatible bucket names
      on AWS, path for IP-address endpoints).
    * Throttling (``SlowDown``, HTTP 503) is retried with exponential backoff and
      jitter by botocore (``retry_mode`` ``standard``, or ``adaptive`` which also
      rate-limits the client); when ``max_attempts`` are used up the table fails
      with a message that says so.
    * Request checksums are only sent when an operation requires them: the
      CRC32 headers botocore adds by default since 1.36 are rejected by several
      S3-compatible stores, and every call here is a read.

Secrets
    botocore's DEBUG log writes the signed request (``x-amz-security-token``:
    the session token) and raw response bodies (the data being scanned), so
    :func:`make_client` keeps the ``botocore``/``boto3``/``s3transfer`` loggers
    at INFO or above even when chujing runs with ``--debug``.
    :class:`Secrets` collects the secret access key and session token of the
    resolved credentials (and of the environment) so that every message can be
    scrubbed of them before it leaves the connector, whatever a driver put in it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from connectors.uri import mask_uri

ADDRESSING_STYLES = ("auto", "path", "virtual")
RETRY_MODES = ("standard", "adaptive", "legacy")

_DENIED = {"AccessDenied", "403", "AllAccessDisabled", "AccountProblem"}
_NO_BUCKET = {"NoSuchBucket"}
_GONE = {"NoSuchKey", "404", "NotFound"}
_CHANGED = {"PreconditionFailed", "412"}
_CREDENTIALS = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "InvalidClientTokenId",
}
_THROTTLED = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequests",
    "TooManyRequestsException",
    "RequestThrottled",
    "503",
    "ServiceUnavailable",
}
_REGION = {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "301"}
_SECRET_ENV = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


@dataclass(frozen=True)
class S3Location:
    """``s3://bucket/prefix`` split; the prefix is kept byte for byte (keys may hold ``?`` or ``#``)."""

    bucket: str
    prefix: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def parse_s3_uri(uri: str) -> S3Location:
    """Split an ``s3://`` URI; raises ``ValueError`` with a message for a person.

    >>> parse_s3_uri("s3://exports/crm/2025/")
    S3Location(bucket='exports', prefix='crm/2025/')
    >>> parse_s3_uri("s3://exports")
    S3Location(bucket='exports', prefix='')
    >>> parse_s3_uri("s3://AKIA:secret@exports/x")
    Traceback (most recent call last):
    ...
    ValueError: credentials in the URI are not supported; use a profile or AWS_* environment variables
    """
    if not uri.startswith("s3://"):
        raise ValueError("not an s3:// URI")
    bucket, _, prefix = uri[len("s3://") :].partition("/")
    if "@" in bucket or ":" in bucket:
        raise ValueError(
            "credentials in the URI are not supported; use a profile or AWS_* environment variables"
        )
    if not bucket:
        raise ValueError("no bucket name; write s3://BUCKET/PREFIX")
    return S3Location(bucket, prefix)


@dataclass
class Secrets:
    """Secret strings that must never appear in a message."""

    values: list[str] = field(default_factory=list)

    @classmethod
    def from_environment(cls) -> Secrets:
        return cls([v for k in _SECRET_ENV if len(v := os.environ.get(k, "")) >= 4])

    def add_credentials(self, credentials: object) -> None:
        for attr in ("secret_key", "token"):
            value = getattr(credentials, attr, None)
            if isinstance(value, str) and len(value) >= 4 and value not in self.values:
                self.values.append(value)

    def scrub(self, text: str) -> str:
        for secret in sorted(self.values, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def make_client(
    *,
    profile: str | None,
    endpoint_url: str | None,
    region: str | None,
    addressing_style: str | None,
    max_attempts: int,
    retry_mode: str,
    connect_timeout: float,
    read_timeout: float,
    secrets: Secrets,
):
    """A boto3 S3 client with the settings above; its credentials' secrets go into ``secrets``.

    Raises the botocore exception (``ProfileNotFound``, ``NoCredentialsError``…);
    the connector turns it into a :class:`~connectors.base.SourceError` with
    :func:`describe_error`.
    """
    import boto3
    from botocore.config import Config

    quiet_sdk_logs()
    session = boto3.session.Session(profile_name=profile or None, region_name=region or None)
    credentials = session.get_credentials()
    if credentials is None:
        from botocore.exceptions import NoCredentialsError

        raise NoCredentialsError()
    secrets.add_credentials(credentials.get_frozen_credentials())
    config = Config(
        retries={"total_max_attempts": max_attempts, "mode": retry_mode},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        s3={"addressing_style": addressing_style or "auto"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        user_agent_extra="chujing",
    )
    return session.client("s3", endpoint_url=endpoint_url or None, config=config)


def quiet_sdk_logs() -> None:
    """Raise the AWS SDK loggers to INFO: their DEBUG records carry session tokens and object bytes."""
    for name in ("botocore", "boto3", "s3transfer"):
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


def error_code(exc: BaseException) -> str:
    """The S3 error code of a botocore ``ClientError`` (``AccessDenied``, ``404``…), else ``""``."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(
            response.get("Error", {}).get("Code")
            or response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            or ""
        )
    return ""


def describe_error(exc: BaseException, *, what: str, endpoint_url: str | None = None) -> str:
    """One line saying what went wrong with ``what`` (``"listing"``, ``"reading this object"``) and what to do."""
    from botocore import exceptions as bx

    code = error_code(exc)
    attempts = _attempts(exc)
    if code in _DENIED:
        hint = "grant s3:ListBucket on the bucket" if what == "listing" else "grant s3:GetObject on it"
        return f"access denied while {what} ({code}); {hint} to the scanning identity, or exclude it"
    if code == "InvalidObjectState":
        return "the object is archived (Glacier or Deep Archive); restore it first or exclude it"
    if code in _NO_BUCKET:
        return "bucket does not exist (NoSuchBucket); check the bucket name, --endpoint-url and --region"
    if code in _GONE:
        return f"object not found while {what} ({code}); it was deleted after listing: run the scan again"
    if code in _CHANGED:
        return "object changed while it was being read (ETag no longer matches); run the scan again"
    if code in _CREDENTIALS:
        return f"credentials rejected ({code}); check --profile or the AWS_* environment variables"
    if code in _THROTTLED:
        return (
            f"throttled by the service ({code}) after {attempts} attempts while {what}; "
            "retry later or raise max_attempts"
        )
    if code in _REGION:
        return f"the bucket is in another region ({code}); set --region to the bucket's region"
    if code == "InvalidBucketName":
        return "not a valid bucket name; check the URI"
    if code:
        message = str(getattr(exc, "response", {}).get("Error", {}).get("Message") or "")
        return f"{code} while {what}: {_one_line(message) or 'no message'}"
    if isinstance(exc, bx.ProfileNotFound):
        return f"{_one_line(str(exc))}; check --profile and ~/.aws/config"
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return (
            "no AWS credentials found; set --profile, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            "or run where an instance role is available"
        )
    if isinstance(exc, bx.ConnectTimeoutError | bx.EndpointConnectionError):
        where = mask_uri(endpoint_url) if endpoint_url else "the S3 endpoint"
        return f"cannot connect to {where} while {what}; check --endpoint-url and the network"
    if isinstance(exc, bx.ReadTimeoutError):
        return f"read timed out while {what}; retry, or raise read_timeout"
    if isinstance(exc, bx.ParamValidationError):
        return f"invalid request while {what}: {_one_line(str(exc))}"
    return f"{type(exc).__name__} while {what}: {_one_line(str(exc)) or 'no message'}"


def _attempts(exc: BaseException) -> int:
    response = getattr(exc, "response", None) or {}
    retries = response.get("ResponseMetadata", {}).get("RetryAttempts")
    return int(retries) + 1 if isinstance(retries, int) else 1


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
