"""Run a real Great Expectations 1.x validation named in a config file, and record its result.

Where `great_expectations` reads results GX already wrote, this runs the validation itself, so a
CI job can gate on data quality with nothing but gavel and the data: `gavel check users.gx.yaml`.
Each document of the file (kind `GreatExpectationsValidation`) names the data, the suite and the
dataset it validates:

```yaml
kind: GreatExpectationsValidation
dataset: s3://lake/users          # OpenLineage `<namespace>/<name>`, or {namespace: ..., name: ...}
data:
  path: users.csv                 # CSV or Parquet (by suffix, or `format: csv|parquet`),
                                  # relative to this file
suite:
  name: users_quality
  expectations:                   # GX expectation types with their kwargs
    - type: expect_column_values_to_not_be_null
      kwargs: {column: email}
    - type: expect_column_values_to_be_between
      kwargs: {column: age, min_value: 0, max_value: 130}
```

The validation runs in an ephemeral GX context (nothing written to disk, no GX project needed)
over a pandas batch of the file; the result becomes the same `gx_validation_result` resource a
result file gives, linked `validates` to the named dataset. GX is imported only here and only
when a config is run (`pip install 'gavel[gx]'`).
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from ..engine.errors import InputError, SourceLocation
from ..engine.models import Provenance, Resource
from .base import Skipped
from .collected import BuiltFromDocuments, FileReading, opener
from .great_expectations import DATASET_META_KEY, result_resource
from .sources import Document, SourceText

CONFIG_KIND = "GreatExpectationsValidation"
ADAPTER_NAME = "great_expectations_run"
_READERS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def recognises_config(documents: Sequence[Document]) -> bool:
    return any(isinstance(d.value, Mapping) and d.value.get("kind") == CONFIG_KIND for d in documents)


@dataclass(frozen=True)
class ValidationConfig:
    """One validation to run: the data file, its format, the suite and the dataset it is about."""

    data_path: Path
    data_format: str
    suite_name: str
    expectations: tuple[Mapping[str, Any], ...]
    dataset: Any
    line: int

    @classmethod
    def from_document(cls, document: Document, source: SourceText) -> ValidationConfig:
        value = document.value
        where = SourceLocation(source.name, document.line)
        data, suite = value.get("data"), value.get("suite")
        if not isinstance(data, Mapping) or not isinstance(data.get("path"), str):
            raise InputError(f"{CONFIG_KIND} needs data.path (a CSV or Parquet file)", where)
        if not isinstance(suite, Mapping) or not isinstance(suite.get("name"), str):
            raise InputError(f"{CONFIG_KIND} needs suite.name", where)
        dataset = value.get("dataset")
        if not (isinstance(dataset, str) and dataset.strip("/").count("/")) and not (
            isinstance(dataset, Mapping) and dataset.get("namespace") and dataset.get("name")
        ):
            raise InputError(f"{CONFIG_KIND} needs dataset: <namespace>/<name> or {{namespace, name}}", where)
        expectations = suite.get("expectations")
        if not isinstance(expectations, list) or not expectations:
            raise InputError(f"{CONFIG_KIND} needs suite.expectations (a non-empty list)", where)
        for index, expectation in enumerate(expectations):
            if not (isinstance(expectation, Mapping) and isinstance(expectation.get("type"), str)):
                raise InputError(
                    f"suite.expectations[{index}] needs a type (e.g. expect_column_to_exist)", where
                )
            if not isinstance(expectation.get("kwargs", {}), Mapping):
                raise InputError(f"suite.expectations[{index}].kwargs must be a mapping", where)
        path = Path(source.name).parent / data["path"]
        data_format = data.get("format") or _READERS.get(path.suffix.lower())
        if data_format not in ("csv", "parquet"):
            raise InputError(
                f"data.path {data['path']!r}: name a CSV or Parquet file, or set data.format", where
            )
        return cls(path, data_format, suite["name"], tuple(expectations), dataset, document.line)


@dataclass(frozen=True)
class GreatExpectationsRun(BuiltFromDocuments):
    """The validations a config file names; `collect()` runs them (GX is slow to import)."""

    source: SourceText
    configs: tuple[ValidationConfig, ...]
    collected_at: datetime
    skipped: tuple[Skipped, ...] = ()
    name: str = ADAPTER_NAME

    @classmethod
    def read(cls, documents: Sequence[Document], reading: FileReading) -> Self:
        configs: list[ValidationConfig] = []
        for document in documents:
            if isinstance(document.value, Mapping) and document.value.get("kind") == CONFIG_KIND:
                configs.append(ValidationConfig.from_document(document, reading.source))
            else:
                reading.reject(f"document is not a {CONFIG_KIND}", document.line)
        return cls(reading.source, tuple(configs), reading.collected_at, tuple(reading.reject.skipped))

    def collect(self) -> Iterator[Resource]:
        for config in self.configs:
            yield self.run(config)

    def run(self, config: ValidationConfig) -> Resource:
        where = SourceLocation(self.source.name, config.line)
        frame, digest = _read_data(config, where)
        result = _validate(config, frame, where)
        result["meta"]["data"] = {"path": str(config.data_path), "sha256": digest}
        provenance = Provenance(
            ADAPTER_NAME, self.source.name, self.source.digest, self.collected_at, config.line
        )
        return result_resource(result, provenance)


open_config = opener(GreatExpectationsRun)


def _read_data(config: ValidationConfig, where: SourceLocation) -> tuple[Any, str]:
    try:
        data = config.data_path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read data file {config.data_path}: {error.strerror}", where) from None
    import io

    pandas: Any = importlib.import_module("pandas")  # GX's own dependency; it ships no type stubs

    try:
        if config.data_format == "csv":
            frame = pandas.read_csv(io.BytesIO(data))
        else:
            frame = pandas.read_parquet(io.BytesIO(data))
    except (ValueError, ImportError, pandas.errors.ParserError) as error:
        raise InputError(f"cannot read {config.data_path} as {config.data_format}: {error}", where) from None
    return frame, f"sha256:{hashlib.sha256(data).hexdigest()}"


def _validate(config: ValidationConfig, frame: Any, where: SourceLocation) -> dict[str, Any]:
    """Run the suite over the frame in an ephemeral context; the result as GX's JSON document."""
    try:
        import great_expectations as gx
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    except ImportError:
        raise InputError(
            "running a validation needs Great Expectations", where, hint="pip install 'gavel[gx]'"
        ) from None
    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("gavel").add_dataframe_asset(config.suite_name)
    batch = asset.add_batch_definition_whole_dataframe("whole")
    meta = {DATASET_META_KEY: config.dataset}
    suite = gx.ExpectationSuite(name=config.suite_name, meta=meta)
    for index, expectation in enumerate(config.expectations):
        try:
            suite.add_expectation_configuration(
                ExpectationConfiguration(type=expectation["type"], kwargs=dict(expectation.get("kwargs", {})))
            )
        except Exception as error:  # GX raises its own error types per expectation problem
            raise InputError(f"suite.expectations[{index}] ({expectation['type']}): {error}", where) from None
    definition = gx.ValidationDefinition(name=config.suite_name, data=batch, suite=context.suites.add(suite))
    result = context.validation_definitions.add(definition).run(batch_parameters={"dataframe": frame})
    as_json: Any = result.to_json_dict  # untyped in GX
    document: dict[str, Any] = as_json()
    document["meta"] = {**dict(document.get("meta") or {}), **meta}
    return document
