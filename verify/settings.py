"""Every setting in one table: name, default, help.

Values come, lowest precedence first, from the defaults below, a ``verify.toml`` file
(``VERIFY_CONFIG`` names another), environment variables ``VERIFY_<NAME>`` (upper case),
and command-line flags.  The CLI, the config file and the environment all read this table.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["SETTINGS", "Setting", "default_store_path", "get_setting", "load_settings"]


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default value and a line of help."""

    name: str
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return "VERIFY_" + self.name.upper()


def default_store_path() -> str:
    """``$XDG_DATA_HOME/verify/corpus.sqlite`` (``~/.local/share/verify/corpus.sqlite``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "verify" / "corpus.sqlite")


SETTINGS: tuple[Setting, ...] = (
    Setting("store", None, "Corpus store file (SQLite); default ~/.local/share/verify/corpus.sqlite"),
    Setting("aliases", None, "Alias file mapping speaker names to one actor (TOML, JSON or TSV)"),
    Setting("embed_model", "all-MiniLM-L6-v2", "Sentence embedding model id or local directory"),
    Setting("nli_model", None, "NLI model directory (CrossEncoder or ONNX export); default: bundled"),
    Setting("batch_size", 64, "Embedding batch size"),
    Setting("ann_threshold", 20000, "Statements above which the approximate index is used"),
    Setting("neighbours", 10, "Candidate statements compared per checked statement"),
    Setting("min_confidence", 0.5, "Relations below this probability are not counted as evidence"),
    Setting("relation_model", None, "Relation model JSON from `verify relations train`; default: bundled"),
    Setting("fail_on", "contradicted,self-contradiction", "Verdicts that make `verify check` exit 1"),
    Setting("report_dir", "reports", "Where reports are written"),
    Setting("report_timestamp", True, "Write the time into reports (off: two runs give identical files)"),
    Setting("report_url", None, "URL where the HTML report will be published (ClaimReview url)"),
    Setting("report_author", "verify", "Organisation named as author of the ClaimReview reviews"),
    Setting("http_timeout", 20.0, "Seconds before an HTTP request gives up"),
    Setting("http_max_bytes", 10_000_000, "Largest HTTP response body accepted, in bytes"),
    Setting("http_concurrency", 8, "Simultaneous HTTP requests"),
    Setting("http_cache", None, "HTTP cache folder; default ~/.cache/verify/http"),
    Setting("user_agent", "verify-factcheck/0.1 (+https://example.invalid/verify)", "HTTP User-Agent"),
    Setting("respect_robots", True, "Honour robots.txt when fetching"),
    Setting("http_retries", 3, "Retries of an HTTP request answered 429 or 5xx (with backoff)"),
    Setting("http_max_redirects", 10, "Redirects followed before a URL fails"),
    Setting("http_max_retry_after", 60.0, "Longest Retry-After wait honoured, in seconds; longer fails the URL"),
    Setting("http_host_interval", 0.5, "Seconds between two requests to the same host (0: no limit)"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, raw: Any) -> Any:
    default = setting.default
    if raw is None or not isinstance(raw, str) or default is None:
        return raw
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        raise ConfigError(f"setting {setting.name} ({setting.env_var}): cannot read {raw!r}") from None
    return raw


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Resolve every setting: defaults < config file < environment < ``overrides``.

    overrides: values from command-line flags (``None`` values are ignored).
    environ: environment to read (default ``os.environ``).
    config_file: TOML file (default ``$VERIFY_CONFIG`` or ``./verify.toml`` when present).
    """
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    path = config_file or environ.get("VERIFY_CONFIG") or ("verify.toml" if Path("verify.toml").is_file() else None)
    if path:
        try:
            with open(path, "rb") as fh:
                table = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config file: {exc}") from None
        table = table.get("verify", table)
        for key, raw in table.items():
            if key not in _BY_NAME:
                raise ConfigError(f"{path}: unknown setting {key!r}")
            values[key] = _coerce(_BY_NAME[key], raw)
    for setting in SETTINGS:
        if setting.env_var in environ:
            values[setting.name] = _coerce(setting, environ[setting.env_var])
    for key, value in (overrides or {}).items():
        if key not in _BY_NAME:
            raise ConfigError(f"unknown setting {key!r}")
        if value is not None:
            values[key] = value
    if values["store"] is None:
        values["store"] = default_store_path()
    return values


def get_setting(name: str, overrides: Mapping[str, Any] | None = None) -> Any:
    """One resolved setting (see ``load_settings``)."""
    if name not in _BY_NAME:
        raise ConfigError(f"unknown setting {name!r}")
    return load_settings(overrides)[name]
