"""Deploying bundles over HTTP (multipart), showing versions, downloading the BPMN."""

from __future__ import annotations

from bpmn import BUNDLE_DIR
from tests.api.conftest import Api
from tests.test_bundle_forms import bundle, zipped


def _bundle() -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (path.name, path.read_bytes(), "application/xml"))
            for path in sorted(BUNDLE_DIR.iterdir()) if path.suffix in (".bpmn", ".dmn")]


def test_admins_deploy_bundles_and_everyone_reads_them(api: Api) -> None:
    assert api.as_("commander").post("/definitions", files=_bundle()).status_code == 403
    assert api.as_("auditor").post("/definitions", files=_bundle()).status_code == 403
    deployed = api.as_("admin").post("/definitions", files=_bundle(), key="deploy-1")
    assert deployed.status_code == 201, deployed.text
    versions = {d["process_id"]: d["version"] for d in deployed.json()["definitions"]}
    assert versions["community_incident"] == 1
    # Identical content is a no-op (same versions), and a keyed retry is replayed.
    again = api.as_("admin").post("/definitions", files=_bundle())
    assert {d["process_id"]: d["version"] for d in again.json()["definitions"]} == versions
    assert api.as_("admin").post("/definitions", files=_bundle(), key="deploy-1").headers["Idempotent-Replayed"]

    listed = api.as_("fire").get("/definitions").json()
    assert {d["process_id"] for d in listed} >= {"community_incident"}
    detail = api.as_("fire").get("/definitions/community_incident").json()
    assert {"duty_officer", "commander", "fire", "medical"} <= set(detail["lanes"])
    assert "incident_report" in detail["forms"] and "response_over" in detail["messages"]
    assert {t["spec_name"] for t in detail["user_tasks"]} >= {"record_report", "fire_rescue"}
    assert api.as_("fire").get("/definitions/community_incident/versions/1").json() == detail

    name = "community_incident.bpmn"
    download = api.as_("fire").get(f"/definitions/community_incident/versions/1/files/{name}")
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/xml")
    assert download.content == (BUNDLE_DIR / name).read_bytes()
    assert api.as_("fire").get("/definitions/community_incident/versions/1/files/other.bpmn").status_code == 404


def test_an_invalid_bundle_names_the_file_and_element(api: Api) -> None:
    broken = (BUNDLE_DIR / "community_incident.bpmn").read_text().replace(
        'name="fire"', 'name="Fire Brigade!"', 1)
    files = [("files", ("community_incident.bpmn", broken.encode(), "application/xml"))] + [
        f for f in _bundle() if f[1][0] != "community_incident.bpmn"]
    response = api.as_("admin").post("/definitions", files=files)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_definition"
    assert any(field.startswith("community_incident.bpmn") for field in error["fields"]), error

    not_xml = api.as_("admin").post("/definitions", files=[("files", ("x.bpmn", b"\xff\xfe garbage", "text/xml"))])
    assert not_xml.status_code == 422
    wrong_kind = api.as_("admin").post("/definitions", files=[("files", ("notes.txt", b"hello", "text/plain"))])
    assert wrong_kind.status_code == 422 and "files.notes.txt" in wrong_kind.json()["error"]["fields"]
    assert api.as_("admin").post("/definitions").status_code == 422


def test_bundles_over_20_mb_are_413(api: Api) -> None:
    huge = [("files", ("huge.bpmn", b"<" * (20 * 1024 * 1024 + 1), "application/xml"))]
    response = api.as_("admin").post("/definitions", files=huge)
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


def test_file_names_must_be_downloadable(api: Api) -> None:
    odd = [("files", ("事件/模型 v2?.bpmn", b"<x/>", "application/xml"))]
    response = api.as_("admin").post("/definitions", files=odd)
    assert response.status_code == 422 and "files.模型 v2?.bpmn" in response.json()["error"]["fields"]


def test_a_bundle_with_its_own_forms_as_a_zip_over_http(api: Api) -> None:
    deployed = api.as_("admin").post("/definitions", key="forms-1",
                                     files=[("files", ("site_check.zip", zipped(bundle()), "application/zip"))])
    assert deployed.status_code == 201, deployed.text
    [definition] = deployed.json()["definitions"]
    assert definition["files"] == ["site_check.bpmn", "site_inspection.json", "site_signoff.json"]
    form = api.as_("fire").get("/definitions/site_check/versions/1/files/site_signoff.json")
    assert form.headers["content-type"].startswith("application/json") and form.json()["title"] == "Sign-off"
    duty = api.as_("duty")
    ref = duty.start(process_id="site_check")["reference"]
    task = duty.get(f"/tasks/{duty.task_of(ref, 'inspect_site')['id']}").json()
    assert task["form_schema"]["title"] == "Site inspection"
    refused = duty.complete(ref, "inspect_site", {"level": "V"})
    assert refused.status_code == 422 and set(refused.json()["error"]["fields"]) == {"cracks_found", "level"}
    assert duty.complete(ref, "inspect_site", {"cracks_found": True}).status_code == 200
