"""Deploy a bundle of BPMN/DMN files, and the forms they bring, as process definitions.

A deploy validates the whole bundle (models and forms, every problem at once), then creates one
definition per executable process whose content changed: the content hash covers exactly the files
that process needs — its models and the forms its user tasks and messages use (the bundle's own,
else a snapshot of the built-in library's) — so redeploying
identical content is a no-op, an unrelated edit does not bump a process's version, and a changed
form does. Running incidents keep the definition row they started on, with its forms; new versions
never touch them.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.db import now
from engine.definitions.bundles import MAX_BUNDLE_BYTES, SUFFIXES, unpack
from engine.definitions.forms import builtin_form_files
from engine.errors import DefinitionProblem, Forbidden, InvalidDefinition, InvalidInput
from engine.messages import (
    BUNDLE_EMPTY,
    BUNDLE_GIVE_A_MODEL,
    BUNDLE_NO_SUCH_PATH,
    BUNDLE_SAME_NAME,
    BUNDLE_SIZE_LIMIT,
    BUNDLE_TOO_LARGE,
    DEPLOY_ADMIN_ONLY,
)
from engine.models import ProcessDefinition
from engine.operators import OPERATORS
from engine.workflow import ParsedBundle, ProcessInfo, dump_specs, parse_bundle
from forms import available_form_keys
from forms.bundled import FORM_SUFFIX, check_form, form_key_of
from forms.messages import CODES


def read_bundle(paths: list[Path]) -> dict[str, bytes]:
    """Files from folders (their .bpmn, .dmn and form .json files) and single files (a .zip is
    unpacked by `deploy`), keyed by file name."""
    files: dict[str, bytes] = {}
    for path in paths:
        if path.is_dir():
            members = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
        elif path.is_file():
            members = [path]
        else:
            missing = BUNDLE_NO_SUCH_PATH(path=str(path))
            raise InvalidInput(BUNDLE_NO_SUCH_PATH, path=str(path), fields={"files": missing})
        for member in members:
            if member.name in files:
                twice = BUNDLE_SAME_NAME(name=member.name)
                raise InvalidInput(BUNDLE_SAME_NAME, name=member.name, fields={"files": twice})
            files[member.name] = member.read_bytes()
    return files


def _content_hash(files: Mapping[str, bytes], info: ProcessInfo, names: list[str]) -> str:
    digest = hashlib.sha256(info.process_id.encode())
    for name in names:
        digest.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


#: The last few bundles parsed in this process, by content: validating and serialising a bundle
#: takes seconds, and the same library is deployed again and again (every `renxing serve` start,
#: every test database). Parsing is a pure function of the files, the forms and the operators.
_PARSED: OrderedDict[tuple[tuple[str, str], ...], tuple[ParsedBundle, dict[str, str]]] = OrderedDict()
_PARSED_SIZE = 8
_PARSED_LOCK = threading.Lock()


def _parsed(files: Mapping[str, bytes]) -> tuple[ParsedBundle, dict[str, str]]:
    """The validated bundle and each process's serialised specs (InvalidDefinition if not valid)."""
    key = tuple(sorted((name, hashlib.sha256(content).hexdigest()) for name, content in files.items()))
    with _PARSED_LOCK:
        found = _PARSED.get(key)
    if found is not None:
        return found
    forms = {name: content for name, content in files.items() if form_key_of(name) is not None}
    models = {name: content for name, content in files.items() if name not in forms}
    problems = [DefinitionProblem(name, None, message) for name, content in sorted(forms.items())
                for message in check_form(name, content)]
    known = set(available_form_keys()) | {str(form_key_of(name)) for name in forms}
    try:
        bundle = parse_bundle(models, known_form_keys=known, known_operators=set(OPERATORS))
    except InvalidDefinition as exc:
        raise InvalidDefinition(problems + exc.problems) from None
    if problems:
        raise InvalidDefinition(problems)
    parsed = bundle, {process_id: dump_specs(models, process_id) for process_id in bundle.processes}
    with _PARSED_LOCK:
        _PARSED[key] = parsed
        while len(_PARSED) > _PARSED_SIZE:
            _PARSED.popitem(last=False)
    return parsed


def deploy(*, session: Session, actor: Actor, files: Mapping[str, bytes]) -> list[ProcessDefinition]:
    """Validate and store a bundle; returns the definition of each executable process in it."""
    if not actor.is_admin:
        raise Forbidden(DEPLOY_ADMIN_ONLY)
    if not files:
        raise InvalidInput(BUNDLE_EMPTY, fields={"files": BUNDLE_GIVE_A_MODEL()})
    if sum(len(content) for content in files.values()) > MAX_BUNDLE_BYTES:
        raise InvalidInput(BUNDLE_TOO_LARGE, fields={"files": BUNDLE_SIZE_LIMIT(megabytes=MAX_BUNDLE_BYTES // 2**20)})
    files = unpack(files)
    # Parse and serialise before the first query: the session's transaction (and on SQLite the
    # database's write lock) only begins then, so seconds of parsing never block other commands.
    bundle, specs = _parsed(files)
    result = []
    for process_id, info in sorted(bundle.processes.items()):
        forms = _forms_kept(files, info)
        names = sorted({*info.files, *forms})
        content_hash = _content_hash({**files, **forms}, info, names)
        existing = session.scalar(select(ProcessDefinition).where(
            ProcessDefinition.process_id == process_id, ProcessDefinition.content_hash == content_hash
        ))
        if existing is not None:
            result.append(existing)
            continue
        latest = session.scalar(
            select(func.max(ProcessDefinition.version)).where(ProcessDefinition.process_id == process_id)
        ) or 0
        definition = ProcessDefinition(
            process_id=process_id, name=info.name or process_id, version=latest + 1,
            content_hash=content_hash,
            files={name: {**files, **forms}[name].decode("utf-8") for name in names},
            summary=_summary(info, [w for w in bundle.warnings if w.file in info.files]),
            spec_json=specs[process_id],
            deployed_by=actor.username, deployed_at=now(session),
        )
        session.add(definition)
        session.flush()
        audit.record(session=session, actor=actor.username, action="definition_deployed",
                     payload={"process_id": process_id, "version": definition.version,
                              "content_hash": content_hash, "files": names})
        result.append(definition)
    return result


def _forms_kept(files: Mapping[str, bytes], info: ProcessInfo) -> dict[str, bytes]:
    """The forms a process's version keeps: of its user tasks and the messages it receives, the
    bundle's own, else a snapshot of the built-in library's (so a later release changing a built-in
    form never changes the form of a running incident — and a changed one makes a new version)."""
    keys = {task.form_key for task in info.user_tasks} | {f"message_{name}" for name in info.messages}
    brought = {f"{key}{FORM_SUFFIX}" for key in keys} & set(files)
    return {**builtin_form_files(k for k in keys if f"{k}{FORM_SUFFIX}" not in brought),
            **{name: files[name] for name in brought}}


def warnings_of(definition: ProcessDefinition) -> list[DefinitionProblem]:
    """What deploy said of this version without refusing it (a user task given the confirmation form, …)."""
    return [DefinitionProblem(w["file"], w["element"], CODES[w["code"]](**w["params"]))
            for w in (definition.summary or {}).get("warnings", []) if w.get("code") in CODES]


def _summary(info: ProcessInfo, warnings: list[DefinitionProblem]) -> dict[str, object]:
    return {
        "warnings": [{"file": w.file, "element": w.element, "code": w.message.code, "params": w.message.params}
                     for w in warnings],
        "lanes": list(info.lanes),
        "user_tasks": [asdict(task) for task in info.user_tasks],
        "messages": list(info.messages),
        "called_processes": list(info.called_processes),
        "decisions": list(info.decisions),
        "operators": list(info.operators),
        "phases": list(info.phases),
    }
