"""Speakers: surface mentions → canonical speaker ids and kinds.

"Volodymyr Zelensky", "Zelensky" and "Ukrainian President Volodymyr Zelensky" get one id
(``volodymyr-zelensky``): titles are stripped and a bare surname maps to the full name
seen in the same document (or earlier documents of the same run).  An alias file maps
names the user wants merged ("Moscow", "the Kremlin") to one actor.

Alias files (see corpora/README.md): TOML or JSON ::

    [actors.russian-government]
    kind = "government"
    names = ["Moscow", "the Kremlin", "Russian government"]

or TSV lines ``name<TAB>canonical id[<TAB>kind]``.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .types import SpeakerKind

__all__ = [
    "ANONYMOUS_NOUNS",
    "GENDERED_WORDS",
    "GOVERNMENT_WORDS",
    "ORGANISATION_NOUNS",
    "PERSON_TITLES",
    "RECORD_NOUNS",
    "TITLE_WORDS",
    "Aliases",
    "normalise_name",
    "slugify",
]

# Titles only a person bears: before an unknown name they make it a person ("Mayor Ana Brel").
PERSON_TITLES = {
    "president", "minister", "senator", "sen.", "governor", "gov.", "mayor", "mr.", "mr", "mrs.", "mrs", "ms.",
    "ms", "dr.", "dr", "prof.", "professor", "chancellor", "judge", "justice", "ambassador", "commissioner",
    "spokesman", "spokeswoman", "spokesperson", "councillor", "councilor", "sheriff", "rep.", "representative",
}
# Words stripped from the front of a speaker's name: those titles, and other titles and words
# that go before names ("the", "former", "U.S.").
TITLE_WORDS = PERSON_TITLES | {
    "vice", "prime", "secretary", "general", "gen.", "gen", "sen", "rep", "gov", "king", "queen", "prince",
    "princess", "pope", "chief", "head", "top", "former", "foreign", "defense", "defence", "director", "chairman",
    "chairwoman", "chair", "ceo", "lt.", "col.", "adm.", "sgt.", "capt.", "speaker", "leader", "negotiator",
    "official", "envoy", "deputy", "acting", "senior", "u.n.", "un", "u.s.", "us", "human", "rights", "the", "a",
    "an", "high", "councilman", "councilwoman", "mp", "mep", "lawmaker", "assemblyman", "assemblywoman",
}

# Titles and role nouns that tell which pronoun ("he" or "she") can stand for the person they
# name ("Ms. Okafor", "a spokeswoman, Anna White,"); nothing is guessed from first names.
GENDERED_WORDS = {
    **dict.fromkeys(
        ["mr", "sir", "lord", "king", "prince", "duke", "spokesman", "chairman", "councilman", "congressman",
         "assemblyman", "businessman", "father", "brother", "son", "husband", "grandfather", "uncle", "widower"],
        "m",
    ),
    **dict.fromkeys(
        ["mrs", "ms", "miss", "madam", "lady", "dame", "queen", "princess", "duchess", "baroness", "spokeswoman",
         "chairwoman", "councilwoman", "congresswoman", "assemblywoman", "businesswoman", "mother", "sister",
         "daughter", "wife", "grandmother", "aunt", "widow", "actress"],
        "f",
    ),
}

# Role nouns whose unnamed bearers are anonymous sources ("a senior official", "two people familiar").
ANONYMOUS_NOUNS = {
    "official", "officials", "source", "sources", "person", "people", "diplomat", "diplomats", "aide", "aides",
    "insider", "insiders", "officer", "officers", "adviser", "advisers", "advisor", "advisors", "staffer",
    "staffers", "lawmaker", "lawmakers", "negotiator", "negotiators", "analyst", "analysts", "expert",
    "experts", "employee", "employees", "executive", "executives", "member", "members", "someone",
    "spokesman", "spokeswoman", "spokesperson",
}

# Names that stand for a government (metonymy) when tagged as a place or an organisation.
GOVERNMENT_WORDS = {
    "kremlin", "pentagon", "white house", "downing street", "elysee", "élysée", "state department",
    "foreign ministry", "ministry", "government", "administration", "cabinet", "congress", "parliament",
    "senate", "house", "bundestag", "duma", "whitehall", "beijing", "moscow", "washington", "kyiv", "kiev",
    "london", "paris", "berlin", "tokyo", "tehran", "ankara", "brussels", "police", "army", "military",
}

# Common nouns that head an organisation's name when no entity is tagged ("the drivers' union").
ORGANISATION_NOUNS = {
    "company", "group", "agency", "organization", "organisation", "firm", "newspaper", "network", "union",
    "association", "federation", "council", "committee", "commission", "campaign", "party", "board", "bank",
    "court", "office", "department", "institute", "foundation", "charity", "club", "league", "coalition",
    "alliance", "station", "hospital", "university", "school", "team", "service", "authority", "bureau",
}

# Written or recorded sources ("the letter warned", "a new poll indicates", "documents show"):
# typed as organisations, for whoever stands behind them; never a person, so "he" or "she"
# never stands for one, and never a group of people.
RECORD_NOUNS = {
    "poll", "survey", "study", "report", "letter", "memo", "document", "record", "statement", "test",
    "analysis", "data", "filing", "audit", "review", "paper", "article", "email", "e-mail", "tweet",
    "post", "release", "transcript", "footage", "video", "message", "note", "book", "census", "tally",
    "count", "estimate", "forecast", "projection", "figure", "number", "result", "finding", "research",
    "investigation", "inquiry", "assessment", "evidence", "complaint", "lawsuit", "indictment", "ruling",
    "order", "budget", "plan", "proposal", "bill", "law", "agreement", "deal", "contract", "policy",
    "guidance", "map", "chart", "model", "index", "ranking", "website", "site", "page",
}


def slugify(text: str) -> str:
    """Lower-case ASCII id: "Volodymyr Zelensky" → "volodymyr-zelensky"."""
    text = re.sub(r"[’']s\b", "", text)  # "Russia's central bank" → "russia-central-bank"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def normalise_name(text: str) -> str:
    """A name without possessive ending, surrounding quotes or punctuation, or a leading article."""
    text = re.sub(r"[’']s?$", "", text.strip().strip(",;:.\"“”'’")).strip()
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)


@dataclass
class Aliases:
    """Names mapped to one actor: ``lookup("the Kremlin")`` → ("russian-government", kind)."""

    names: dict[str, tuple[str, SpeakerKind | None]] = field(default_factory=dict)

    @staticmethod
    def _key(name: str) -> str:
        return " ".join(normalise_name(name).lower().split())

    def add(self, name: str, actor_id: str, kind: SpeakerKind | None = None) -> None:
        self.names[self._key(name)] = (actor_id, kind)

    def lookup(self, name: str) -> tuple[str, SpeakerKind | None] | None:
        return self.names.get(self._key(name))

    @classmethod
    def load(cls, path: str | Path | None) -> Aliases:
        """Read an alias file (TOML, JSON or TSV); ``None`` gives no aliases."""
        aliases = cls()
        if path is None:
            return aliases
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read alias file: {exc}") from None
        suffix = path.suffix.lower()
        try:
            if suffix in (".toml", ".json"):
                data = tomllib.loads(raw) if suffix == ".toml" else json.loads(raw)
                actors = data.get("actors", data) if isinstance(data, dict) else None
                if not isinstance(actors, dict):
                    raise ValueError("expected a table of actors")
                for actor_id, spec in actors.items():
                    if isinstance(spec, list):
                        spec = {"names": spec}
                    if not isinstance(spec, dict) or not isinstance(spec.get("names"), list):
                        raise ValueError(f"actor {actor_id!r} needs a list of names")
                    if not all(isinstance(name, str) and name.strip() for name in spec["names"]):
                        raise ValueError(f"actor {actor_id!r}: every name must be a non-empty string")
                    kind = SpeakerKind(spec["kind"]) if spec.get("kind") else None
                    aliases.add(actor_id, slugify(actor_id), kind)
                    for name in spec["names"]:
                        aliases.add(str(name), slugify(actor_id), kind)
            else:
                for number, line in enumerate(raw.splitlines(), 1):
                    if not line.strip() or line.lstrip().startswith("#"):
                        continue
                    parts = [p.strip() for p in line.split("\t")]
                    if len(parts) < 2 or not parts[0] or not parts[1]:
                        raise ValueError(f"line {number}: expected 'name<TAB>actor id[<TAB>kind]'")
                    aliases.add(parts[0], slugify(parts[1]), SpeakerKind(parts[2]) if len(parts) > 2 and parts[2] else None)
        except (ValueError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: bad alias file: {exc}") from None
        except RecursionError:
            raise ConfigError(f"{path}: bad alias file: nested too deeply to read") from None
        return aliases
