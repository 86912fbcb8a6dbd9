"""Process definitions: list versions, show one, deploy a bundle (admins), download its files."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Path, Response, UploadFile

from api.commands import CommandDep
from api.deps import CurrentUser, SessionDep
from api.messages import FILE_CHOICES, FILE_NOT_IN_VERSION
from api.schemas.common import COMMAND_ERRORS, ERRORS, MAX_ID
from api.schemas.definitions import DefinitionDetail, DefinitionOut, DeployOut
from api.uploads import FILE_NAME, read_bundle
from engine import definitions
from engine.errors import NotFound

router = APIRouter(prefix="/definitions", tags=["definitions"])

ProcessId = Annotated[str, Path(pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]{0,127}$",
                                description="BPMN process id, e.g. `community_incident`.")]
Version = Annotated[int, Path(ge=1, le=MAX_ID)]
FileName = Annotated[str, Path(pattern=FILE_NAME.pattern)]


@router.get("", response_model=list[DefinitionOut], responses=ERRORS,
            summary="List deployed definitions, newest version of each process first")
def list_definitions(_: CurrentUser, session: SessionDep) -> list[DefinitionOut]:
    return [DefinitionOut.of(d) for d in definitions.list_definitions(session=session)]


@router.get("/{process_id}", response_model=DefinitionDetail, responses=ERRORS,
            summary="Show the newest version of a process: lanes, user tasks, forms, messages")
def show_latest(process_id: ProcessId, _: CurrentUser, session: SessionDep) -> DefinitionDetail:
    return DefinitionDetail.of(definitions.get(session=session, process_id=process_id))


@router.get("/{process_id}/versions/{version}", response_model=DefinitionDetail, responses=ERRORS,
            summary="Show one version of a process")
def show_version(process_id: ProcessId, version: Version, _: CurrentUser,
                 session: SessionDep) -> DefinitionDetail:
    return DefinitionDetail.of(definitions.get(session=session, process_id=process_id, version=version))


@router.get(
    "/{process_id}/versions/{version}/files/{file_name}", response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/xml": {"schema": {"type": "string"}}},
                               "description": "The BPMN or DMN file exactly as deployed."}},
    summary="Download one file (BPMN/DMN) of a deployed version",
)
def download(process_id: ProcessId, version: Version, file_name: FileName, _: CurrentUser,
             session: SessionDep) -> Response:
    files = definitions.get(session=session, process_id=process_id, version=version).files
    if file_name not in files:
        raise NotFound(FILE_NOT_IN_VERSION, version=version, process_id=process_id, file_name=file_name,
                       fields={"file_name": FILE_CHOICES(files=", ".join(sorted(files)))})
    disposition = f"attachment; filename*=UTF-8''{quote(file_name)}"
    media_type = "application/json" if file_name.endswith(".json") else "application/xml"
    return Response(files[file_name], media_type=media_type,
                    headers={"Content-Disposition": disposition})


@router.post(
    "", response_model=DeployOut, status_code=201, responses=COMMAND_ERRORS,
    summary="Deploy a bundle: .bpmn/.dmn models, their form schemas (.json), or a .zip of them (administrators)",
    description=(
        "Multipart upload, one `files` part per file (at most 20 MB in all). A form schema is "
        "`<form_key>.json` (JSON Schema 2020-12, titles in English `title` and Chinese `x-title-zh`); "
        "a user task's `formKey` names a form of the bundle or of the built-in library. The whole "
        "bundle is validated first; problems are answered 422 with `fields` naming `file:element`. "
        "Identical content is a no-op; a changed process or form gets a new version and running "
        "incidents keep theirs, forms included."
    ),
)
def deploy(files: Annotated[list[UploadFile], File(description=".bpmn, .dmn, form .json and .zip files")],
           command: CommandDep) -> DeployOut | Response:
    bundle = read_bundle(files)
    return command.run(lambda s, actor: DeployOut(definitions=[
        DefinitionOut.of(d) for d in definitions.deploy(session=s, actor=actor, files=bundle)]), bundle)
