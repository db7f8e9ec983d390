# Scenario text (YAML) as nested dicts and lists, read with PyYAML (Debian:
# python3-yaml), and a dotted key's value in it, as `tagcascade run --set` names it.
import yaml

from . import TagcascadeError


class _Loader(yaml.SafeLoader):
    """safe_load's rules, except that a time such as 2017-05-05T20:00:00+02:00
    stays the text the scenario wrote (tagcascade reads it as text too), so it
    prints and compares as written."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in rules if tag != "tag:yaml.org,2002:timestamp"]
    for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _where(mark):
    return f"line {mark.line + 1}, column {mark.column + 1}"


def parse(text):
    """YAML text (a scenario, or a file's /meta/resolved) -> nested dicts, lists
    and scalars (str, int, float, bool, None). Raises TagcascadeError
    "line L, column C: what is wrong (while parsing ... at line L, column C)",
    lines and columns counted from 1; the caller names the text's source."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        what = e.problem or "not valid YAML"
        if e.context:
            at = f" at {_where(e.context_mark)}" if e.context_mark else ""
            what += f" ({e.context}{at})"
        if e.problem_mark is not None:
            what = f"{_where(e.problem_mark)}: {what}"
        raise TagcascadeError(what) from None
    except yaml.YAMLError as e:  # a character YAML refuses: the reader names its position
        raise TagcascadeError(str(e).replace("\n", " ")) from None


def lookup(tree, key):
    """The value at a dotted key ('population.bots.fraction', 'accounts.1.followers':
    list items by index). A mapping key that itself holds dots is matched too, the
    longest first. KeyError if absent."""
    parts = key.split(".")

    def walk(node, rest):
        if not rest:
            return node
        if isinstance(node, list):
            if rest[0].lstrip("-").isdigit() and -len(node) <= int(rest[0]) < len(node):
                return walk(node[int(rest[0])], rest[1:])
            raise KeyError(key)
        if isinstance(node, dict):
            for n in range(len(rest), 0, -1):  # longest dotted name first
                name = ".".join(rest[:n])
                for k in node:
                    if str(k) == name:
                        try:
                            return walk(node[k], rest[n:])
                        except KeyError:
                            pass
        raise KeyError(key)

    return walk(tree, parts)
