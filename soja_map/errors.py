"""Typed errors: each one is a SojaMapError and, where it fits, a builtin too."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


class SojaMapError(Exception):
    """Base class for every error soja-map raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a file: where it is, what is wrong and what was expected.

    ``feature_index`` is 0-based (as in a JSON array) and None for file-level problems;
    ``row`` is the 1-based spreadsheet row for tabular input.
    """

    file: str
    code: str
    message: str
    feature_index: int | None = None
    feature_id: str | None = None
    field: str | None = None
    value: Any = None
    expected: str | None = None
    row: int | None = None
    severity: str = "error"

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.feature_index is not None:
            ident = f" (id={self.feature_id})" if self.feature_id else ""
            parts.append(f"feature {self.feature_index}{ident}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts)

    def format(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.value is not None:
            text += f" (got {_short_repr(self.value)})"
        if self.expected:
            text += f"; expected {self.expected}"
        return f"{text} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["value"] = _jsonable(self.value)
        return data


def _short_repr(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


@dataclass
class ValidationError(ValueError, SojaMapError):
    """Raised once with every problem found, never one at a time."""

    problems: Sequence[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self) -> str:
        files = {p.file for p in self.problems}
        return f"{len(self.problems)} problem(s) in {len(files)} file(s)"

    def report(self) -> str:
        return "\n".join(p.format() for p in self.problems)

    def __str__(self) -> str:
        return f"{self.summary()}:\n{self.report()}"


class ConflictError(ValidationError):
    """An import would overwrite a stored place with different content."""


class CRSError(ValueError, SojaMapError):
    """Data is in the wrong coordinate reference system, or has none."""


class CatalogueError(ValueError, SojaMapError):
    """The plan catalogue is malformed or a plan/measure/policy id is unknown."""


class ConfigError(ValueError, SojaMapError):
    """A setting has a value soja-map cannot use."""


class ReadLimitError(ValueError, SojaMapError):
    """A file broke a read limit or a strictness rule (not a regular file, too large, too deep...)."""

    def __init__(
        self, code: str, message: str, *, value: Any = None, expected: str | None = None
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.value, self.expected = code, message, value, expected

    def problem(self, file: str, **where: Any) -> Problem:
        return Problem(
            file=file,
            code=self.code,
            message=self.message,
            value=self.value,
            expected=self.expected,
            **where,
        )


class FolderMissingError(FileNotFoundError, SojaMapError):
    """An output path's folder does not exist (soja-map never creates folders it was not asked to)."""


class RequestError(ValueError, SojaMapError):
    """A web request's input is malformed or beyond a limit (answered 400, never 500)."""


class BusyError(RuntimeError, SojaMapError):
    """The server is doing as much of this work as it may at once: try again shortly."""


class ExportError(RuntimeError, SojaMapError):
    """A map could not be written or rendered."""


def raise_if_problems(
    problems: Iterable[Problem], *, error: type[ValidationError] = ValidationError
) -> None:
    """Raise ``error`` carrying every error-severity problem, if there is any."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise error(errors)
