"""Authentication data (CREDENTIAL) and biometric data (BIOMETRIC).

Both are sensitive personal information under 《个人信息保护法》 art. 28
(biometric recognition) and GB/T 35273-2020 (account passwords, verification
codes, card security codes and expiry dates as "personal authentication
information").  Most of either is recognised by what the column is called,
because the content alone proves nothing (a 3-digit CVV is any 3-digit
number); where the content *does* prove it, no name is needed:

==========  ==============================================================  ========  =========  =======
entity      content                                                         strength  min_ratio  context
==========  ==============================================================  ========  =========  =======
CREDENTIAL  password hashes in modular crypt and framework formats           0.95      0.5        no
            (bcrypt ``$2b$``, ``$argon2id$``, ``$6$``, ``pbkdf2_sha256$``,
            ``pbkdf2:sha256:``, ``scrypt:``, ``{SSHA}``)
CREDENTIAL  JWTs and vendor API keys (``eyJ…``, ``ghp_``, ``AKIA``, ``LTAI``)  0.9       0.5        no
CREDENTIAL  hex/base64 digests, plain passwords, opaque tokens               0.6       0.8        yes
CREDENTIAL  CVN/CVV (3-4 digits), card expiry (MM/YY), OTP codes (4-8)      0.5       0.8-0.9    yes
BIOMETRIC   ISO/IEC 19794 / ANSI 378 templates (``FMR``, ``FAC``, ``IIR``)   0.95      0.5        no
            as base64 or hex
BIOMETRIC   JPEG/PNG/WAV content (base64, data URI, binary) in a face/       0.8       0.25       yes
            voiceprint/fingerprint column; float vectors of 128-1024 dims   (table recognizer)
==========  ==============================================================  ========  =========  =======

The engine hands value recognizers only string and integer columns, and
judges long text without the column name, so binary columns, list columns
(embeddings) and base64 media text are read by the table recognizer
:class:`BiometricColumnRecognizer`.

Evidence never shows a secret: hashes keep their scheme (``$2b$12$****``),
tokens their vendor prefix, images become a description (``[JPEG, 2 KB]``).

More information:

* https://passlib.readthedocs.io/en/stable/modular_crypt_format.html
* ISO/IEC 19794-2 (finger minutiae ``FMR``), -5 (face ``FAC``), -6 (iris ``IIR``)
* https://www.rfc-editor.org/rfc/rfc7519 (JWT)

>>> is_password_hash("$2b$12$EXRkfkdmXn2gzds2SSitu.MW9.gAVqa9eLS1//RYtYCmB1eLHg.9q")
True
>>> PasswordHashRecognizer().mask("$2b$12$EXRkfkdmXn2gzds2SSitu.MW9.gAVqa9eLS1//RYtYCmB1eLHg.9q")
'$2b$12$****'
>>> media_kind("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA"), media_kind(b"FMR\\x00 20\\x00\\x00\\x00")
('JPEG', 'ISO 19794-2 finger minutiae')
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, Span, ValueRecognizer
from recognizers.columns import column_entity_hints, name_only_findings
from recognizers.context import TableContext
from recognizers.decision import metadata_words
from recognizers.findings import EntityFinding
from recognizers.free_text import cores_and_context

_B64 = r"[A-Za-z0-9+/]"
_CRYPT = r"[./A-Za-z0-9]"
HASH_PATTERNS = (
    Pattern("bcrypt hash $2b$ (strong)", rf"\$2[abxy]?\$\d{{2}}\${_CRYPT}{{53}}", 0.95),
    Pattern(
        "argon2 hash $argon2id$ (strong)",
        rf"\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\${_B64}{{8,}}\${_B64}{{16,}}",
        0.95,
    ),
    Pattern(
        "sha-crypt hash $5$/$6$ (strong)",
        rf"\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{{1,16}}\${_CRYPT}{{43}}(?:{_CRYPT}{{43}})?",
        0.95,
    ),
    Pattern("md5-crypt hash $1$ (strong)", rf"\$(?:1|apr1)\$[./A-Za-z0-9]{{1,8}}\${_CRYPT}{{22}}", 0.9),
    Pattern(
        "django pbkdf2/argon2/scrypt hash (strong)",
        rf"(?:pbkdf2_sha(?:256|1)|bcrypt_sha256|scrypt)\$[^$\s]{{1,40}}\$[^$\s]{{1,64}}\${_B64}{{16,}}={{0,2}}",
        0.95,
    ),
    Pattern(
        "werkzeug pbkdf2/scrypt hash (strong)",
        r"(?:pbkdf2:sha(?:256|512|1)(?::\d+)?|scrypt:\d+:\d+:\d+)\$[A-Za-z0-9]{1,64}\$[0-9a-f]{40,128}",
        0.95,
    ),
    Pattern(
        "LDAP {SSHA}/{SHA} hash (strong)",
        rf"\{{(?:SSHA|SHA|SSHA256|SSHA512|SHA256|SHA512|SMD5|MD5)\}}{_B64}{{20,}}={{0,2}}",
        0.9,
    ),
)
TOKEN_PATTERNS = (
    Pattern(
        "JSON web token (strong)", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{0,512}", 0.9
    ),
    Pattern("GitHub token ghp_ (strong)", r"gh[pousr]_[A-Za-z0-9]{36,251}", 0.95),
    Pattern("AWS access key id AKIA (strong)", r"(?:AKIA|ASIA)[0-9A-Z]{16}", 0.9),
    Pattern("Alibaba Cloud AccessKey LTAI (strong)", r"LTAI[A-Za-z0-9]{12,20}", 0.9),
    Pattern("Tencent Cloud SecretId AKID (strong)", r"AKID[A-Za-z0-9]{32}", 0.9),
    Pattern("Google API key AIza (strong)", r"AIza[0-9A-Za-z_-]{35}", 0.9),
    Pattern("Slack token xox (strong)", r"xox[abposr]-[A-Za-z0-9-]{10,72}", 0.9),
    Pattern("secret key sk- (medium)", r"sk-(?:proj-|live_|test_)?[A-Za-z0-9_-]{20,}", 0.8),
)
_HASH_RES = [re.compile(p.regex) for p in HASH_PATTERNS]

_CREDENTIAL_WORDS = (
    "密码",
    "口令",
    "密钥",
    "私钥",
    "秘钥",
    "登录密码",
    "支付密码",
    "交易密码",
    "取款密码",
    "password",
    "passwd",
    "pwd",
    "passcode",
    "secret",
    "mima",
    "mm",
    "dlmm",
    "zfmm",
    "jymm",
    "password hash",
    "pwd hash",
    "salt",
)
_TOKEN_WORDS = (
    "token",
    "access token",
    "refresh token",
    "auth token",
    "session",
    "session id",
    "sessionid",
    "api key",
    "apikey",
    "access key",
    "secret key",
    "jwt",
    "cookie",
    "令牌",
    "会话",
    "密钥",
)


def is_password_hash(value: str) -> bool:
    """True for a password hash in a self-describing format (see ``HASH_PATTERNS``)."""
    return any(rx.fullmatch(value) for rx in _HASH_RES)


def _scheme_prefix(value: str) -> str:
    m = re.match(
        r"(\$[^$]+\$(?:\d{2}\$|v=\d+\$)?|[a-z0-9_]+[$:]|\{[A-Z0-9]+\}|eyJ|gh[pousr]_|AKIA|ASIA|LTAI|AKID|AIza|xox[a-z]-|sk-)",
        value,
    )
    return m.group(1) if m else ""


class PasswordHashRecognizer(ValueRecognizer):
    """CREDENTIAL: password hashes in self-describing formats (bcrypt, argon2, sha-crypt, PBKDF2, scrypt, LDAP)."""

    entity = "CREDENTIAL"
    patterns: ClassVar = HASH_PATTERNS
    context = _CREDENTIAL_WORDS
    validator_strength = 0.95
    min_ratio = 0.5

    def mask(self, value: str) -> str:
        return _scheme_prefix(value) + "****"

    def describe(self, candidate: str) -> dict[str, object]:
        return {"kind": "password hash", "scheme": _scheme_prefix(candidate)}


class ApiTokenRecognizer(ValueRecognizer):
    """CREDENTIAL: bearer tokens and API keys whose prefix names them (JWT, GitHub, AWS, Alibaba, Tencent …)."""

    entity = "CREDENTIAL"
    patterns: ClassVar = TOKEN_PATTERNS
    context = _TOKEN_WORDS
    validator_strength = 0.9
    min_ratio = 0.5

    def validate(self, candidate: str) -> bool:
        if candidate.startswith("eyJ"):
            try:
                head = candidate.split(".")[0]
                header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
            except (binascii.Error, ValueError):
                return False
            return isinstance(header, dict) and ("alg" in header or "typ" in header)
        return True

    def mask(self, value: str) -> str:
        return _scheme_prefix(value) + "****"


class SecretValueRecognizer(ValueRecognizer):
    """CREDENTIAL: hex/base64 digests, plain passwords and opaque tokens in a column named for them.

    Hex digests of 32/40/64/128 characters (MD5, SHA-1, SHA-256, SHA-512),
    base64 strings of 16-88 characters, and plain passwords (6-64 printable
    characters without spaces; a short number is a counter, not a password).
    """

    entity = "CREDENTIAL"
    patterns: ClassVar = (
        Pattern(
            "hex digest 32/40/64/128 (medium with context)",
            r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}",
            0.5,
        ),
        Pattern("base64 secret (weak with context)", rf"{_B64}{{16,86}}={{0,2}}", 0.4),
        Pattern("plain secret, 6-64 printable characters (weak with context)", r"[!-~]{6,64}", 0.3),
    )
    context = _CREDENTIAL_WORDS + _TOKEN_WORDS
    validator_strength = 0.6
    min_ratio = 0.8
    requires_context = True

    def validate(self, candidate: str) -> bool:
        if candidate.isdigit():
            return len(candidate) >= 6  # a 6-digit PIN is a secret; 0-5 is a counter
        return re.fullmatch(r"[0-9.\-:/ TZ+]+", candidate) is None  # not a date, time or decimal

    def mask(self, value: str) -> str:
        return "******"

    def text_prefilter(self) -> tuple[str, ...]:
        """No row: :meth:`find_spans` reports nothing in text (see :mod:`recognizers.free_text`)."""
        return ()

    def find_spans(self, text: str) -> list[Span]:
        return []


class CardSecurityRecognizer(ValueRecognizer):
    """CREDENTIAL: card verification numbers (CVN2/CVV2/CVC2, 3-4 digits), only in a column named for them."""

    entity = "CREDENTIAL"
    patterns: ClassVar = (
        Pattern("card verification number, 3-4 digits (very weak without context)", r"\d{3,4}", 0.2),
    )
    context = (
        "cvv",
        "cvv2",
        "cvn",
        "cvn2",
        "cvc",
        "cvc2",
        "安全码",
        "卡验证码",
        "信用卡验证码",
        "security code",
        "card code",
    )
    validator_strength = 0.5
    min_ratio = 0.9
    requires_context = True

    def mask(self, value: str) -> str:
        return "***"

    def text_prefilter(self) -> tuple[str, ...] | None:
        """A pattern match and a context word must both be in the text (:mod:`recognizers.free_text`)."""
        return cores_and_context(self)

    def find_spans(self, text: str) -> list[Span]:
        return [s for s in super().find_spans(text) if s.details.get("context")]


class CardExpiryRecognizer(ValueRecognizer):
    """CREDENTIAL: card expiry dates MM/YY, MM/YYYY, MMYY, only in a column named for them (有效期, expiry)."""

    entity = "CREDENTIAL"
    patterns: ClassVar = (
        Pattern(
            "card expiry MM/YY (weak without context)", r"(?:0[1-9]|1[0-2])(?:/|-|)(?:\d{2}|20\d{2})", 0.3
        ),
    )
    context = (
        "有效期",
        "卡有效期",
        "信用卡有效期",
        "expiry",
        "expiry date",
        "exp date",
        "expiration",
        "valid thru",
        "valid through",
        "card expiry",
        "yxq",
    )
    validator_strength = 0.5
    min_ratio = 0.9
    requires_context = True

    def mask(self, value: str) -> str:
        return "**/**"

    def text_prefilter(self) -> tuple[str, ...] | None:
        """A pattern match and a context word must both be in the text (:mod:`recognizers.free_text`)."""
        return cores_and_context(self)

    def find_spans(self, text: str) -> list[Span]:
        return [s for s in super().find_spans(text) if s.details.get("context")]


class OtpRecognizer(ValueRecognizer):
    """CREDENTIAL: one-time verification codes (4-8 digits or letters) in a column named for them (验证码, otp)."""

    entity = "CREDENTIAL"
    patterns: ClassVar = (
        Pattern("verification code, 4-8 characters (weak without context)", r"[0-9A-Za-z]{4,8}", 0.3),
    )
    context = (
        "验证码",
        "短信验证码",
        "动态码",
        "动态口令",
        "校验码",
        "otp",
        "sms code",
        "verification code",
        "verify code",
        "captcha",
        "yzm",
        "dxyzm",
    )
    validator_strength = 0.5
    min_ratio = 0.8
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return any(c.isdigit() for c in candidate)  # "outlook" next to 验证码 is no code

    def mask(self, value: str) -> str:
        return "******"

    def text_prefilter(self) -> tuple[str, ...] | None:
        """A pattern match and a context word must both be in the text (:mod:`recognizers.free_text`)."""
        return cores_and_context(self)

    def find_spans(self, text: str) -> list[Span]:
        """Codes right next to their cue (验证码：123456, 123456是您的验证码), not anywhere in the sentence."""
        return [s for s in super().find_spans(text) if self.context_near(text, s.start, s.end, window=8)]


# -- biometric ------------------------------------------------------------------------------------------------

#: Leading bytes → what they are.  Templates prove biometric data by themselves; media need a column name.
TEMPLATE_MAGIC = {
    b"FMR\x00": "ISO 19794-2 finger minutiae",
    b"FIR\x00": "ISO 19794-4 finger image",
    b"FAC\x00": "ISO 19794-5 face image",
    b"IIR\x00": "ISO 19794-6 iris image",
    b"VOI\x00": "voice template",
}
MEDIA_MAGIC = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG", b"GIF8": "GIF", b"BM": "BMP"}
_BIO_WORDS = (
    "人脸",
    "面部",
    "人像",
    "证件照",
    "指纹",
    "声纹",
    "虹膜",
    "掌纹",
    "静脉",
    "生物特征",
    "生物识别",
    "face",
    "facial",
    "face feature",
    "face image",
    "face img",
    "face photo",
    "face embedding",
    "faceid",
    "fingerprint",
    "voiceprint",
    "iris",
    "palmprint",
    "vein",
    "biometric",
    "biometrics",
    "rlbm",
    "rltz",
    "rlzp",
    "zwtz",
    "swtz",
    "hmtz",
    "renlian",
    "zhiwen",
    "shengwen",
)
_DATA_URI = re.compile(r"data:(?:image|audio)/[a-z0-9.+-]+;base64,")


def media_kind(data: bytes | str) -> str:
    """What the leading bytes of ``data`` (raw, or base64/hex text) are, or ''.

    ``WAV`` needs ``RIFF....WAVE``; ISO templates their record identifier.
    """
    if isinstance(data, str):
        data = _decode_head(data)
    if not data:
        return ""
    for magic, kind in TEMPLATE_MAGIC.items():
        if data.startswith(magic):
            return kind
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "WAV"
    if data[4:8] == b"ftyp" or data.startswith((b"ID3", b"OggS", b"fLaC", b"#!AMR")):
        return "audio/video"
    for magic, kind in MEDIA_MAGIC.items():
        if data.startswith(magic):
            return kind
    return ""


def _decode_head(text: str) -> bytes:
    text = _DATA_URI.sub("", text.strip(), count=1)
    head = text[:64]
    if re.fullmatch(r"(?:[0-9a-fA-F]{2}){8,}", head[: len(head) // 2 * 2]) and len(head) >= 16:
        try:
            return bytes.fromhex(head[: len(head) // 2 * 2])
        except ValueError:
            return b""
    head = head[: len(head) // 4 * 4]
    try:
        return base64.b64decode(head, validate=False)
    except (binascii.Error, ValueError):
        return b""


def _describe_media(kind: str, size: int) -> str:
    return f"[{kind}, {max(1, size // 1024)} KB]" if size >= 1024 else f"[{kind}, {size} B]"


class BiometricTemplateRecognizer(ValueRecognizer):
    """BIOMETRIC: ISO/IEC 19794 or ANSI 378 templates stored as base64 or hex text (their header names them)."""

    entity = "BIOMETRIC"
    patterns: ClassVar = (
        Pattern(
            "ISO 19794 template, base64 (strong)",
            rf"(?:Rk1SA|RklSA|RkFDA|SUlSA|Vk9JA){_B64}{{10,}}={{0,2}}",
            0.95,
        ),
        Pattern(
            "ISO 19794 template, hex (strong)",
            r"(?:464d5200|46495200|46414300|49495200|564f4900)[0-9a-fA-F]{16,}",
            0.95,
        ),
    )
    context = _BIO_WORDS
    validator_strength = 0.95
    min_ratio = 0.5

    def validate(self, candidate: str) -> bool:
        return media_kind(candidate) in TEMPLATE_MAGIC.values()

    def mask(self, value: str) -> str:
        return _describe_media(media_kind(value) or "template", len(value) * 3 // 4)


class BiometricColumnRecognizer:
    """BIOMETRIC in binary, list and media-text columns, which the value path cannot judge.

    * binary values whose leading bytes are an ISO 19794 template: no name needed;
    * binary JPEG/PNG/WAV values, base64 / data-URI / hex text of them, and
      float vectors of 128-1024 numbers (face or voice embeddings), in a
      column whose name or comment says face/人脸/voiceprint/声纹/fingerprint/指纹 …
      (the value path sees no column name when it reads free text, and a
      JPEG alone is any photo).
    """

    entities: ClassVar[tuple[str, ...]] = ("BIOMETRIC",)

    entity = "BIOMETRIC"
    EMBEDDING_SIZES = frozenset({128, 192, 256, 384, 512, 768, 1024})

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        out: dict[str, list[EntityFinding]] = {}
        for meta in ctx.columns:
            arr = ctx.table.column(meta.name)
            support = list(
                dict.fromkeys(
                    metadata_words(_BIO_WORDS, meta.name, meta.comment)
                    + column_entity_hints(meta.name, meta.comment).get(self.entity, [])
                )
            )
            finding = None
            if (
                pa.types.is_binary(arr.type)
                or pa.types.is_large_binary(arr.type)
                or pa.types.is_fixed_size_binary(arr.type)
            ):
                finding = self._binary(arr.drop_null().to_pylist()[:2000], support)
            elif _is_float_list(arr.type) and support:
                finding = self._vectors(arr, support)
            elif support and meta.name in ctx.strings:
                texts = ctx.strings[meta.name].slice(0, 2000).to_pylist()
                finding = self._binary(texts, support, media_only=True) or self._encoded(texts, meta, support)
            if finding is not None:
                out[meta.name] = [finding]
        return out

    def _binary(self, values: list, support: list[str], media_only: bool = False) -> EntityFinding | None:
        values = [v for v in values if v]
        if not values:
            return None
        kinds = [media_kind(v if isinstance(v, str) else bytes(v[:64])) for v in values]
        if media_only:  # text: templates are the value recognizer's
            kinds = [k if k not in TEMPLATE_MAGIC.values() else "" for k in kinds]
        templates = [k for k in kinds if k in TEMPLATE_MAGIC.values()]
        media = [k for k in kinds if k and k not in TEMPLATE_MAGIC.values()]
        matched, strength = (
            (len(templates), 0.95) if len(templates) >= len(media) or not support else (len(media), 0.8)
        )
        ratio = matched / len(values)
        if matched == 0 or ratio < (0.25 if support else 0.5):
            return None
        kind = (templates or media)[0]
        form = "text values decode to" if media_only else "binary values start with"
        why = f"{matched}/{len(values)} sampled {form} the header of {kind}"
        if support:
            why += f"; column name/comment supports it ({', '.join(support)})"
        return EntityFinding(
            type=self.entity,
            score=min(1.0, 0.6 * strength + 0.3 * ratio + (0.1 if support else 0.0)),
            match_ratio=ratio,
            matched=matched,
            evidence=[_describe_media(kind, len(values[0]) * (3 if media_only else 4) // 4)],
            recognizer=type(self).__name__,
            explanation=why,
            details={"content": kind},
        )

    def _encoded(self, texts: list[str], meta, support: list[str]) -> EntityFinding | None:  # noqa: ANN001 - ColumnMeta
        """Opaque base64/hex blobs or JSON float vectors in a column a *strong* word names biometric
        (``face_feature``, ``fingerprint_tpl``, 人脸特征): templates and embeddings of proprietary formats."""
        strong = [
            w
            for w in support
            if w.lower() in _STRONG_BIO_WORDS or w in column_strong_words(meta.name, meta.comment)
        ]
        if not strong or not texts:
            return None
        kinds = [_blob_kind(t) for t in texts]
        matched = sum(1 for k in kinds if k)
        ratio = matched / len(texts)
        if ratio < 0.8:
            return None
        kind = max(set(k for k in kinds if k), key=kinds.count)
        return EntityFinding(
            type=self.entity,
            score=min(1.0, 0.6 * 0.7 + 0.3 * ratio + 0.1),
            match_ratio=ratio,
            matched=matched,
            evidence=[f"[{kind}, {len(texts[0])} chars]"],
            recognizer=type(self).__name__,
            explanation=f"{matched}/{len(texts)} sampled values are {kind} (an encoded template or feature vector); "
            f"column name/comment says biometric ({', '.join(strong)})",
            details={"content": kind},
        )

    def _vectors(self, arr: pa.ChunkedArray, support: list[str]) -> EntityFinding | None:
        arr = arr.drop_null()
        if len(arr) == 0:
            return None
        lengths = pc.list_value_length(arr).to_pylist()
        matched = sum(1 for n in lengths if n in self.EMBEDDING_SIZES)
        ratio = matched / len(lengths)
        if ratio < 0.5:
            return None
        dims = max(set(lengths), key=lengths.count)
        return EntityFinding(
            type=self.entity,
            score=min(1.0, 0.6 * 0.8 + 0.3 * ratio + 0.1),
            match_ratio=ratio,
            matched=matched,
            evidence=[f"[float vector, {dims} dims]"],
            recognizer=type(self).__name__,
            explanation=f"{matched}/{len(lengths)} sampled values are float vectors of {dims} dimensions (an embedding); "
            f"column name/comment supports it ({', '.join(support)})",
            details={"content": "embedding", "dimensions": dims},
        )


#: Words that name biometric data outright (weak ones such as photo or avatar are left out).
_STRONG_BIO_WORDS = frozenset(w for w in _BIO_WORDS if w not in {"face", "vein"})
_HEX_BLOB = re.compile(r"(?:[0-9a-fA-F]{2}){16,}")
_B64_BLOB = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}")
_FLOAT_VECTOR = re.compile(r"\[\s*-?\d[\d.eE+-]*(?:\s*,\s*-?\d[\d.eE+-]*){127,}\s*\]")


def _blob_kind(text: str) -> str:
    """``hex``, ``base64`` or ``float vector`` for an opaque encoded value, else ''."""
    if _HEX_BLOB.fullmatch(text):
        return "hex blob"
    if _B64_BLOB.fullmatch(text) and any(c.isdigit() for c in text) and any(c.isupper() for c in text):
        return "base64 blob"
    if text.startswith("[") and _FLOAT_VECTOR.fullmatch(text):
        return "float vector"
    return ""


def column_strong_words(name: str, comment: str | None) -> list[str]:
    """Strong BIOMETRIC words of the column lexicon in a name or comment."""
    return [w for h in name_only_findings(name, comment) if h.entity == "BIOMETRIC" for w in h.words]


def _is_float_list(t: pa.DataType) -> bool:
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return pa.types.is_floating(t.value_type)
    return False


VALUE_RECOGNIZERS = (
    PasswordHashRecognizer,
    ApiTokenRecognizer,
    SecretValueRecognizer,
    CardSecurityRecognizer,
    CardExpiryRecognizer,
    OtpRecognizer,
    BiometricTemplateRecognizer,
)
TABLE_RECOGNIZERS = (BiometricColumnRecognizer,)
