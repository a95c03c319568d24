"""Reading TOML: the standard library's ``tomllib`` (3.11+), or ``tomli`` (the same parser,
published for Python 3.10)."""

try:
    import tomllib
except ModuleNotFoundError:                   # Python 3.10
    import tomli as tomllib                   # noqa: F401
