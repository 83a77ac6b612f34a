"""Where an export lives: a local folder or an S3 prefix (`s3://bucket/prefix`), read and written as streams.

Writers never hold a file in memory: a local file is written under a temporary name and renamed when
complete (a crash leaves no half file under the real name); an S3 object is sent as a multipart upload in
`PART_SIZE` parts (one plain PUT when it is smaller), aborted if writing fails. Readers hand out chunks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from botocore.exceptions import ClientError

from chalicelib.core.aws import aws_client

PART_SIZE = 8 * 1024 * 1024  # S3 takes parts of 5 MiB or more (except the last)
CHUNK_SIZE = 1024 * 1024


class MissingFile(Exception):
    """The export has no file of that name."""


class LocalWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._temporary = path.with_name(path.name + ".tmp")
        self._handle = open(self._temporary, "wb")  # noqa: SIM115 - closed by commit/abort

    def write(self, data: bytes) -> None:
        self._handle.write(data)

    def commit(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._temporary, self.path)

    def abort(self) -> None:
        self._handle.close()
        self._temporary.unlink(missing_ok=True)


class S3Writer:
    def __init__(self, bucket: str, key: str) -> None:
        self.bucket, self.key = bucket, key
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict] = []

    def _send_part(self, data: bytes) -> None:
        s3 = aws_client("s3")
        if self._upload_id is None:
            self._upload_id = s3.create_multipart_upload(Bucket=self.bucket, Key=self.key)["UploadId"]
        number = len(self._parts) + 1
        response = s3.upload_part(Bucket=self.bucket, Key=self.key, UploadId=self._upload_id,
                                  PartNumber=number, Body=data)
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= PART_SIZE:
            part = bytes(self._buffer[:PART_SIZE])
            del self._buffer[:PART_SIZE]
            self._send_part(part)

    def commit(self) -> None:
        s3 = aws_client("s3")
        if self._upload_id is None:
            s3.put_object(Bucket=self.bucket, Key=self.key, Body=bytes(self._buffer))
            return
        if self._buffer:
            self._send_part(bytes(self._buffer))
            self._buffer.clear()
        s3.complete_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self._upload_id,
                                     MultipartUpload={"Parts": self._parts})

    def abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None:
            aws_client("s3").abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self._upload_id)


class LocalFolder:
    def __init__(self, path: str | Path) -> None:
        self.root = Path(path)

    def __str__(self) -> str:
        return str(self.root)

    def describe(self, name: str) -> str:
        return str(self.root / name)

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def writer(self, name: str) -> LocalWriter:
        return LocalWriter(self.root / name)

    def chunks(self, name: str) -> Iterator[bytes]:
        path = self.root / name
        if not path.is_file():
            raise MissingFile(self.describe(name))
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK_SIZE):
                yield chunk


class S3Prefix:
    def __init__(self, bucket: str, prefix: str) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def describe(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.key(name)}"

    def prepare(self) -> None:
        pass  # the bucket is the operator's (versioned, in the right account); it is not created here

    def exists(self, name: str) -> bool:
        try:
            aws_client("s3").head_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def writer(self, name: str) -> S3Writer:
        return S3Writer(self.bucket, self.key(name))

    def chunks(self, name: str) -> Iterator[bytes]:
        try:
            body = aws_client("s3").get_object(Bucket=self.bucket, Key=self.key(name))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise MissingFile(self.describe(name)) from None
            raise
        try:
            yield from body.iter_chunks(CHUNK_SIZE)
        finally:
            body.close()


Location = LocalFolder | S3Prefix


def parse(text: str) -> Location:
    """`s3://bucket[/prefix]` or a local folder path."""
    if text.startswith("s3://"):
        bucket, _, prefix = text[len("s3://"):].partition("/")
        if not bucket:
            raise ValueError(f"{text!r}: an S3 location is s3://bucket/prefix")
        return S3Prefix(bucket, prefix)
    if "://" in text:
        raise ValueError(f"{text!r}: a location is a local folder or s3://bucket/prefix")
    return LocalFolder(text)


def read_lines(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """The lines of a file given as chunks, without their newline, each with whether it was complete
    (ended by a newline): only a file cut short ends with an incomplete line."""
    rest = b""
    for chunk in chunks:
        rest += chunk
        *lines, rest = rest.split(b"\n")
        for line in lines:
            yield line, True
    if rest:
        yield rest, False
