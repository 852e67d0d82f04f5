"""Modules and the service each one is: build files, names, which module a file belongs to.

A module is a folder with a build file (``pom.xml``, ``build.gradle[.kts]``, ``pyproject.toml``,
``setup.cfg``, ``setup.py``, ``go.mod``, ``package.json``); the repository root is always one.
A file belongs to the deepest module above it. A module's service name is, in order: the
``service`` the caller gave (then the whole repository is that one service);
``spring.application.name`` from the module's own ``application.yml``/``.yaml``/``.properties``
(a ``${VAR:default}`` placeholder gives its default); the build file's name (Maven
``artifactId``, ``[project].name`` or ``[tool.poetry].name``, ``setup.cfg`` ``[metadata] name``,
the last element of a Go module path, ``package.json`` ``name``, Gradle ``rootProject.name``
for the root); else the folder name (the repository's folder name at the root).
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from posixpath import basename, dirname

import yaml

BUILD_FILES = (
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "go.mod",
    "package.json",
)
SPRING_CONFIGS = ("application.yml", "application.yaml", "application.properties")
_PLACEHOLDER = re.compile(r"^\$\{[^:}]*(?::([^}]*))?\}$")


@dataclass(frozen=True, slots=True)
class Module:
    root: str  # repository-relative folder, "" at the top
    service: str
    build_file: str | None
    source: str  # where the name came from: argument, spring, build file, folder


def find_modules(
    paths: list[str],
    read: Callable[[str], bytes | None],
    repo_name: str,
    service: str | None = None,
) -> list[Module]:
    """Modules of a repository given its file paths and a way to read one of them."""
    present = set(paths)

    def read_present(path: str) -> bytes | None:
        return read(path) if path in present else None

    build: dict[str, str] = {}
    for path in paths:
        base = basename(path)
        if base in BUILD_FILES:
            folder = dirname(path)
            # pom.xml first, then gradle, ...: the order of BUILD_FILES decides between two.
            if folder not in build or BUILD_FILES.index(base) < BUILD_FILES.index(
                basename(build[folder])
            ):
                build[folder] = path
    build.setdefault("", "")
    if service:
        return [Module("", service, build.get("") or None, "argument")]
    configs: dict[str, list[str]] = {}
    roots = sorted(build, key=len, reverse=True)
    for path in paths:
        if basename(path) in SPRING_CONFIGS and "/test/" not in f"/{path}":
            configs.setdefault(_owner(path, roots), []).append(path)
    modules = []
    for root, build_file in sorted(build.items()):
        for config in sorted(configs.get(root, []), key=_config_rank):
            name = _spring_name(config, read_present(config))
            if name:
                modules.append(Module(root, name, build_file or None, f"spring:{config}"))
                break
        else:
            name = _build_name(build_file, read_present(build_file)) if build_file else None
            if build_file and basename(build_file).startswith("build.gradle"):
                prefix = f"{root}/" if root else ""
                name = gradle_root_name(
                    read_present(f"{prefix}settings.gradle")
                ) or gradle_root_name(read_present(f"{prefix}settings.gradle.kts"))
            if name:
                modules.append(Module(root, name, build_file, f"build:{build_file}"))
            else:
                folder = basename(root) if root else repo_name
                modules.append(Module(root, folder, build_file or None, "folder"))
    return modules


def module_of(path: str, modules: Mapping[str, Module]) -> Module:
    """The deepest module holding ``path`` (``modules`` keyed by root; ``""`` must be there)."""
    folder = dirname(path)
    while True:
        if folder in modules:
            return modules[folder]
        if not folder:
            return modules[""]
        folder = dirname(folder)


def _owner(path: str, roots: list[str]) -> str:
    return next((r for r in roots if not r or path.startswith(r + "/")), "")


def _config_rank(path: str) -> tuple[int, int]:
    return (0 if "src/main/resources/" in path else 1, len(path))


def _spring_name(path: str, data: bytes | None) -> str | None:
    if data is None:
        return None
    text = data.decode("utf-8", errors="replace")
    value: object = None
    if path.endswith(".properties"):
        for line in text.splitlines():
            key, sep, rest = line.partition("=")
            if not sep:
                key, sep, rest = line.partition(":")
            if sep and key.strip() == "spring.application.name":
                value = rest.strip()
                break
    else:
        try:
            for doc in yaml.safe_load_all(text):
                value = _yaml_name(doc)
                if value:
                    break
        except yaml.YAMLError:
            return None
    return _resolve(value)


def _yaml_name(doc: object) -> object:
    if not isinstance(doc, dict):
        return None
    if "spring.application.name" in doc:
        return doc["spring.application.name"]
    spring = doc.get("spring")
    application = spring.get("application") if isinstance(spring, dict) else None
    if isinstance(application, dict):
        return application.get("name")
    return spring.get("application.name") if isinstance(spring, dict) else None


def _resolve(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    found = _PLACEHOLDER.match(value)
    if found:
        return found.group(1).strip() if found.group(1) else None
    return None if "${" in value else value


def _build_name(path: str, data: bytes | None) -> str | None:
    if data is None:
        return None
    text = data.decode("utf-8", errors="replace")
    name = basename(path)
    try:
        if name == "pom.xml":
            return _pom_name(text)
        if name == "pyproject.toml":
            doc = tomllib.loads(text)
            project = doc.get("project", {})
            poetry = doc.get("tool", {}).get("poetry", {})
            return _resolve(project.get("name") or poetry.get("name"))
        if name == "setup.cfg":
            parser = configparser.ConfigParser()
            parser.read_string(text)
            return _resolve(parser.get("metadata", "name", fallback=None))
        if name == "go.mod":
            found = re.search(r"^module\s+(\S+)", text, re.MULTILINE)
            if not found:
                return None
            parts = found.group(1).strip('"').split("/")
            if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
                parts.pop()  # "example.com/orders/v2" is the orders module
            return parts[-1]
        if name == "package.json":
            loaded = json.loads(text)
            return _resolve(loaded.get("name")) if isinstance(loaded, dict) else None
        if name == "setup.py":
            found = re.search(r"\bname\s*=\s*['\"]([^'\"]+)['\"]", text)
            return found.group(1) if found else None
    except (ValueError, tomllib.TOMLDecodeError, configparser.Error, ET.ParseError):
        return None
    return None


def _pom_name(text: str) -> str | None:
    root = ET.fromstring(text)
    for child in root:
        if child.tag.rsplit("}", 1)[-1] == "artifactId" and child.text:
            return _resolve(child.text)
    return None


def gradle_root_name(data: bytes | None) -> str | None:
    """``rootProject.name = 'orders'`` from a ``settings.gradle[.kts]``."""
    if data is None:
        return None
    found = re.search(r"rootProject\.name\s*=\s*['\"]([^'\"]+)['\"]", data.decode(errors="replace"))
    return found.group(1) if found else None
