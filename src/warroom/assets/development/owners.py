"""CODEOWNERS: which team or person owns a path.

The file is looked for where GitHub looks, in GitHub's order: ``.github/CODEOWNERS``,
``CODEOWNERS``, ``docs/CODEOWNERS``; the first found is used. Each line is a pattern followed
by owners (``@org/team``, ``@user``, ``user@example.com``); ``#`` starts a comment; for a path
the **last** matching line wins, and a matching line without owners leaves the path unowned.

Patterns follow gitignore with GitHub's deviations: a pattern with a ``/`` at its start or in
its middle is anchored at the repository root, otherwise it matches at any depth; ``*`` and
``?`` do not cross ``/``, ``**`` does; a pattern that names a folder owns everything below it,
except that a trailing ``/*`` owns only the folder's direct files (``docs/*`` does not own
``docs/a/b.md``); a trailing ``/`` matches folders only. ``!`` negation and ``[...]`` ranges,
which GitHub does not support, are ignored; so are GitLab section headers (``[Section]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from warroom.domain.graph import NodeKind, node_id

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True, slots=True)
class OwnerRule:
    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: re.Pattern[str]


@dataclass(slots=True)
class CodeOwners:
    source: str | None = None
    rules: list[OwnerRule] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, source: str = "CODEOWNERS") -> CodeOwners:
        out = cls(source=source)
        for number, raw in enumerate(text.splitlines(), start=1):
            line = _strip_comment(raw).strip()
            if not line or line.startswith(("[", "^[")):
                continue
            pattern, *owners = line.split()
            pattern = pattern.replace("\\#", "#").replace("\\ ", " ")
            if pattern.startswith("!") or "[" in pattern:
                out.problems.append(f"{source}:{number}: pattern {pattern!r} is not supported")
                continue
            out.rules.append(OwnerRule(pattern, tuple(owners), number, _compile(pattern)))
        return out

    def owners_of(self, path: str) -> tuple[str, ...]:
        """Owners of a repository-relative POSIX path, as CODEOWNERS writes them."""
        for rule in reversed(self.rules):
            if rule.regex.match(path):
                return rule.owners
        return ()

    def rule_for(self, path: str) -> OwnerRule | None:
        return next((r for r in reversed(self.rules) if r.regex.match(path)), None)


def owner_node_id(owner: str) -> str:
    """``@org/team`` → ``team:org/team``; ``@user`` → ``person:user``; an e-mail address →
    ``person:<lower-case address>``."""
    if owner.startswith("@") and "/" in owner:
        return node_id(NodeKind.TEAM, owner[1:])
    if owner.startswith("@"):
        return node_id(NodeKind.PERSON, owner[1:])
    return node_id(NodeKind.PERSON, owner.lower())


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    found = re.search(r"(?<!\\)\s#", line)
    return line[: found.start()] if found else line


def _compile(pattern: str) -> re.Pattern[str]:
    folder_only = pattern.endswith("/") and pattern != "/"
    body = pattern.rstrip("/") if folder_only else pattern
    anchored = "/" in body
    body = body.lstrip("/")
    direct_only = body.endswith("/*")
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    core = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    if not body:  # "/" alone: the whole repository
        return re.compile(".*")
    if folder_only:
        return re.compile(f"{prefix}{core}/.*")
    if direct_only:
        return re.compile(f"{prefix}{core}$")
    return re.compile(f"{prefix}{core}(?:/.*)?$")
