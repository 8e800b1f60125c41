"""What kind of thing an answer is, so that a question's wrong options are of the same kind.

A question asking for a duration offers durations, one asking for a storage class offers storage
classes: an option of another kind ("400 KB" as a failover time, "AWS Backup" as a storage class)
gives the answer away without testing anything. The kinds:

- `size`: an amount of data ("400 KB", "16 MB", "2 TiB");
- `rate`: an amount per unit of time ("1 MB/s", "1,000 records per second");
- `duration`: a length of time ("180 days", "within 12 hours", "90 seconds");
- `percent`, `price` ("$0.023 per GB"), `number` (a bare count);
- `storage class`: an S3 storage class ("S3 Standard-IA", "S3 Glacier Deep Archive");
- `format`: a data file format ("Parquet", "Apache Avro", "CSV");
- `service` (tried first): the answer names a service of the catalogue ("Amazon Kinesis Data
  Streams");
- `feature`: a feature of a service, starting with the service's name ("S3 Object Lock");
- `identifier`: a name written as code (`CDCLatencySource`, `KEYS_ONLY`, `ALL_NEW`);
- `phrase`: anything else.

A feature sits between the two: it is offered beside services ("S3 Object Lock" beside "AWS
Backup") and beside phrases ("S3 Object Lock" beside "Legal hold"), but a whole service is not
offered for a phrase, nor a phrase for a service (`compatible`). Every other kind is offered only
beside its own.
"""

import re

_NUMBER = r"(?:\d[\d,]*(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few)"
_SIZE_UNITS = r"(?:bytes?|kb|kib|mb|mib|gb|gib|tb|tib|pb|pib|kilobytes?|megabytes?|gigabytes?|terabytes?|petabytes?)"
_TIME_UNITS = (r"(?:ms|milliseconds?|seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|years?)")
_PREFIX = (r"(?:typically |usually |up to |about |around |within |under |over |at most |at least |less than |"
           r"more than |~)*")

SIZE = re.compile(rf"^{_PREFIX}{_NUMBER}\s*{_SIZE_UNITS}\b(?!\s*(?:/|per\b))")
RATE = re.compile(rf"^{_PREFIX}{_NUMBER}\s*\S*(?:\s\w+)?\s*(?:/\s*(?:s|sec|second|minute|hour)\b|per (?:second|minute|hour)\b)")
DURATION = re.compile(rf"^{_PREFIX}{_NUMBER}(?:\s*(?:to|-|–)\s*{_NUMBER})?\s*{_TIME_UNITS}\b"
                      rf"|^{_PREFIX}(?:sub-second|milliseconds|seconds|minutes|hours|days)"
                      rf"(?:\s*(?:to|-|–|or)\s*(?:seconds|minutes|hours|days))?$")
PERCENT = re.compile(rf"^{_PREFIX}{_NUMBER}\s*%")
PRICE = re.compile(r"^(?:about |around |~)?\$\s*\d")
COUNT = re.compile(rf"^{_PREFIX}\d[\d,]*(?:\.\d+)?$")
STORAGE_CLASS = re.compile(
    r"^(?:amazon )?(?:s3 )?(?:standard(?:-ia| infrequent access)?|intelligent-tiering|one zone-ia|"
    r"express one zone|glacier(?: instant retrieval| flexible retrieval| deep archive)?|deep archive|"
    r"reduced redundancy)(?: storage class)?$")
FORMATS = {"parquet", "apache parquet", "orc", "apache orc", "avro", "apache avro", "csv", "tsv", "json", "jsonl",
           "json lines", "xml", "ion", "amazon ion", "protobuf", "protocol buffers", "yaml", "plain text", "text",
           "iceberg", "apache iceberg", "delta lake", "apache hudi", "hudi", "grok"}
IDENTIFIER = re.compile(r"^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


def answer_kind(text: str, is_service, is_feature=lambda text: False) -> str:
    """The kind of an answer; `is_service(text)` says whether it names a service of the catalogue,
    `is_feature(text)` whether it starts with one's name."""
    stripped = text.strip()
    if is_service(stripped):
        return "service"
    if IDENTIFIER.match(stripped):
        return "identifier"
    lowered = re.sub(r"\s+", " ", stripped.casefold()).rstrip(".")
    for kind, pattern in (("percent", PERCENT), ("price", PRICE), ("rate", RATE), ("size", SIZE),
                          ("duration", DURATION), ("number", COUNT)):
        if pattern.match(lowered):
            return kind
    if STORAGE_CLASS.match(lowered):
        return "storage class"
    if lowered in FORMATS:
        return "format"
    return "feature" if is_feature(stripped) else "phrase"


def compatible(kind: str, other: str) -> bool:
    return kind == other or "feature" in {kind, other} and {kind, other} <= {"feature", "service", "phrase"}
