"""The course secret: where it may come from, and refusing it where others could read it.

Each student's problems are drawn from HMAC(secret, id); whoever has the secret can draw
every student's. So it is read from a file that is yours and mode 600, from the environment,
or from a private bpgrade.toml, and never from the command line (/proc/*/cmdline).
"""

from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

from ..errors import UsageError
from ..i18n import text

CONFIG_NAMES = ("bpgrade.toml",)
SECRET_VARIABLE = "BPGRADE_SECRET"

MESSAGES = {
    "no_secret": {
        "en": "no course secret: pass --secret-file FILE (a file only you can read), set "
              "{variable}, or write secret = \"...\" under [grade] in bpgrade.toml next to "
              "{path} or in the current folder. The secret makes each student's problems; "
              "keep it private.",
        "zh": "没有课程密钥：请用 --secret-file FILE（只有你能读的文件），或设置 {variable}，"
              "或在 {path} 旁边或当前目录的 bpgrade.toml 中 [grade] 下写 secret = \"...\"。"
              "密钥决定每个学生的题目，请保密。"},
    "bad_config": {"en": "cannot read {path}: {error}", "zh": "无法读取 {path}：{error}"},
    "secret_mode": {
        "en": "{path} holds the course secret but its mode is {mode}: other users can read or "
              "change it. Run: chmod 600 {quoted}",
        "zh": "{path} 保存着课程密钥，但其权限为 {mode}：其他用户可以读取或修改它。请运行：chmod 600 {quoted}"},
    "secret_owner": {
        "en": "{path} holds the course secret but belongs to user {owner}, not to you ({user}); "
              "use a secret file you own (chmod 600)",
        "zh": "{path} 保存着课程密钥，但属于用户 {owner} 而不是你（{user}）；请使用你自己的密钥文件（chmod 600）"},
    "empty_secret": {"en": "{path} holds an empty course secret; write a long random string",
                     "zh": "{path} 中的课程密钥为空；请写入一个较长的随机字符串"},
}


def _user_name(uid: int) -> str:
    try:
        import pwd
        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def check_private(info: os.stat_result, path: Path, lang: str = "en") -> None:
    """Refuse a file holding the secret that others may read or change, as ssh refuses a key:
    any group or other permission bit, or an owner other than the current user (root: root)."""
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise UsageError(text(MESSAGES, "secret_mode", lang, path=path, mode=f"{mode:04o}",
                              quoted=shlex.quote(str(path))))
    if info.st_uid != os.geteuid():
        raise UsageError(text(MESSAGES, "secret_owner", lang, path=path,
                              owner=_user_name(info.st_uid), user=_user_name(os.geteuid())))


def _read_checked(path: Path, lang: str):
    """(bytes, stat) through one descriptor, so the file checked is the file read."""
    try:
        with open(path, "rb") as handle:
            return handle.read(), os.fstat(handle.fileno())
    except OSError as exc:
        raise UsageError(text(MESSAGES, "bad_config", lang, path=path, error=exc)) from None


def _nonempty(secret: str, path: Path, lang: str) -> str:
    if not secret.strip():
        raise UsageError(text(MESSAGES, "empty_secret", lang, path=path))
    return secret


def secret_from_file(path, lang: str = "en") -> str:
    """``--secret-file``: the file's text without its trailing newline; private to you."""
    path = Path(path)
    raw, info = _read_checked(path, lang)
    check_private(info, path, lang)
    try:
        secret = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(text(MESSAGES, "bad_config", lang, path=path, error=exc)) from None
    return _nonempty(secret.rstrip("\r\n"), path, lang)


def _parse_config(raw: bytes, path: Path, lang: str):
    """The [grade] secret written in a bpgrade.toml, or None when it holds none."""
    from ..toml import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(text(MESSAGES, "bad_config", lang, path=path, error=exc)) from None
    section = data.get("grade", data)
    secret = section.get("secret") if isinstance(section, dict) else None
    return secret if isinstance(secret, str) else None


def _config_secret(path: Path, lang: str):
    """The secret in a bpgrade.toml (which must then be private, like a secret file), or None."""
    raw, info = _read_checked(path, lang)
    secret = _parse_config(raw, path, lang)
    if secret is None:
        return None
    check_private(info, path, lang)
    return _nonempty(secret, path, lang)


def course_secret(secret_file, submissions, lang: str = "en", environ=None, cwd=None) -> str:
    """The secret: the content of ``secret_file`` (``--secret-file``), else $BPGRADE_SECRET,
    else [grade] secret in a bpgrade.toml beside SUBMISSIONS or in ``cwd``. A file holding it
    must be yours and mode 600; it is never taken from the command line (other users see
    /proc/*/cmdline). Without any, refuse (a guessable default would let anyone reproduce
    every student's problems)."""
    if secret_file is not None:
        return secret_from_file(secret_file, lang)
    environ = os.environ if environ is None else environ
    if environ.get(SECRET_VARIABLE):
        return environ[SECRET_VARIABLE]
    submissions = Path(submissions)
    places = [submissions.resolve().parent, Path(cwd or os.getcwd())]
    for folder in dict.fromkeys(places):
        for name in CONFIG_NAMES:
            path = folder / name
            if path.is_file():
                secret = _config_secret(path, lang)
                if secret:
                    return secret
    raise UsageError(text(MESSAGES, "no_secret", lang, path=submissions,
                          variable=SECRET_VARIABLE))
