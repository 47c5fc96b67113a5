"""How to install or run a package, per registry type: one shell line a newcomer can paste.

Free of HTTP and HTML: strings in, strings out (the template escapes them). Values the
server.json leaves to the user appear as ``<NAME>`` placeholders.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

RUNNERS: dict[str, str] = {
    "npm": "npx",
    "pypi": "uvx",
    "oci": "docker run",
    "nuget": "dnx",
    "mcpb": "download",
    "cargo": "cargo install",
}
"""What each registry type is run with (shown next to the snippet)."""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _placeholder(name: str) -> str:
    return f"<{name}>"


def _argument_words(arguments: object) -> list[str]:
    """``runtimeArguments``/``packageArguments`` as words: named ``--flag value``,
    positional ``value``; a missing value becomes its hint as a placeholder."""
    words: list[str] = []
    if not isinstance(arguments, list):
        return words
    for argument in arguments:
        if not isinstance(argument, Mapping):
            continue
        value = _text(argument.get("value")) or _text(argument.get("default"))
        hint = _text(argument.get("valueHint")) or _text(argument.get("name")) or "value"
        if argument.get("type") == "named":
            name = _text(argument.get("name"))
            if not name:
                continue
            words.append(name)
            if value or argument.get("valueHint"):
                words.append(value or _placeholder(hint))
        else:
            words.append(value or _placeholder(hint))
    return words


def _quote(words: Sequence[str]) -> str:
    return " ".join(word if _is_placeholder(word) else shlex.quote(word) for word in words)


def _is_placeholder(word: str) -> bool:
    return word.startswith("<") and word.endswith(">") and "'" not in word


def _required_env(package: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for variable in package.get("environmentVariables") or []:
        if isinstance(variable, Mapping) and variable.get("isRequired") and variable.get("name"):
            names.append(str(variable["name"]))
    return names


def _oci_image(identifier: str, version: str) -> str:
    last = identifier.rsplit("/", 1)[-1]
    if ":" in last or "@" in identifier or not version:
        return identifier
    return f"{identifier}:{version}"


def package_snippet(package: Mapping[str, Any]) -> str | None:
    """The command that installs or runs ``package``; None for an unknown registry type."""
    kind = _text(package.get("registryType")).lower()
    identifier = _text(package.get("identifier"))
    version = _text(package.get("version"))
    if not identifier:
        return None
    runtime = _argument_words(package.get("runtimeArguments"))
    args = _argument_words(package.get("packageArguments"))
    env = _required_env(package)
    env_prefix = "".join(f"{name}={_placeholder(name)} " for name in env)
    if kind == "npm":
        spec = f"{identifier}@{version}" if version else identifier
        return env_prefix + _quote(["npx", "-y", *runtime, spec, *args])
    if kind == "pypi":
        spec = f"{identifier}=={version}" if version else identifier
        return env_prefix + _quote(["uvx", *runtime, spec, *args])
    if kind == "nuget":
        spec = f"{identifier}@{version}" if version else identifier
        return env_prefix + _quote(["dnx", *runtime, spec, "--yes", *args])
    if kind == "oci":
        env_words: list[str] = []
        for name in env:
            env_words += ["-e", f"{name}={_placeholder(name)}"]
        image = _oci_image(identifier, version)
        # The server.json's runtime arguments often carry these already.
        defaults = [flag for flag in ("-i", "--rm") if flag not in runtime]
        if "--interactive" in runtime and "-i" in defaults:
            defaults.remove("-i")
        words = ["docker", "run", *defaults, *env_words, *runtime, image, *args]
        return " ".join(_docker_word(word) for word in words)
    if kind == "mcpb":
        return _quote(["curl", "-fLO", identifier])
    if kind == "cargo":
        words = ["cargo", "install", identifier]
        if version:
            words += ["--version", version]
        return _quote(words)
    return None


def _docker_word(word: str) -> str:
    # ``NAME=<NAME>`` after -e stays readable; everything else is quoted as usual.
    if "=<" in word and word.endswith(">"):
        return word
    return word if _is_placeholder(word) else shlex.quote(word)
