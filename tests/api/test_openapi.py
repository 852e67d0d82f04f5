"""OpenAPI is the contract: every operation has a stable id, typed answers and its errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

EXPECTED_IDS = {
    "health_get",
    "assets_development_list",
    "assets_development_delete",
    "assets_design_list",
    "assets_design_delete",
    "assets_fusion_get",
    "reports_confirm",
    "graph_counts",
    "graph_nodes",
    "graph_node_get",
    "graph_neighbourhood",
    "graph_blast_radius",
    "graph_path",
    "stats_get",
    "history_list",
    "incidents_runs",
    "incidents_evidence",
    "settings_get",
    "auth_token",
    "incidents_create",
    "incidents_list",
    "incidents_get",
    "incidents_replace",
    "incidents_update",
    "incidents_delete",
    "assets_upload_runtime",
    "assets_upload_development",
    "assets_upload_design",
    "assets_list",
    "debates_start",
    "debates_get",
    "debates_history",
    "debates_cancel",
    "debates_stream",
    "runs_get",
    "runs_events",
    "reports_get",
    "reports_export",
    "keys_create",
    "keys_list",
    "keys_revoke",
    "audit_list",
    "webhooks_alertmanager",
    "webhooks_grafana",
    "webhooks_generic",
    "webhooks_secrets_create",
    "webhooks_secrets_list",
    "webhooks_secrets_revoke",
    "webhooks_alerts_list",
    "debates_intervene",
    "debates_interventions",
    "approvals_list",
    "approvals_get",
    "approvals_approve",
    "approvals_deny",
}


def test_every_operation_has_its_stable_id_and_documents_auth_errors(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = {
        op["operationId"]: (path, op)
        for path, item in spec["paths"].items()
        for op in item.values()
    }
    assert set(operations) == EXPECTED_IDS
    for op_id, (path, op) in operations.items():
        if op_id == "health_get":
            continue
        # Any valid key may exchange itself for a token: no role, so no 403.
        needed = {"401"} if op_id == "auth_token" else {"401", "403"}
        assert needed <= set(op["responses"]), op_id
        assert path.startswith("/api/v1/")


def test_json_answers_name_their_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in (
        "IncidentCreate",
        "IncidentUpdate",
        "IncidentPublic",
        "IncidentsPublic",
        "AssetsPublic",
        "DebatePublic",
        "DebateStarted",
        "RunEventsPublic",
        "ErrorPublic",
        "Verdict",
    ):
        assert name in schemas, name
    listed = spec["paths"]["/api/v1/incidents"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["$ref"].endswith("/IncidentsPublic")
    assert {"HTTPBearer", "APIKeyHeader"} <= set(spec["components"]["securitySchemes"])
