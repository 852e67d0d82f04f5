"""The model layer: every tribunal role asks through here, offline or with a model.

Public surface:

- `run_role` / `RoleCall` -> `RoleOutcome`: one role's typed output from the configured
  OpenAI-compatible model, with bounded retries and a readable fallback to the offline
  reasoner (`warroom.llm.role`).
- `UsageLedger`: tokens, requests and cost per role (`warroom.llm.ledger`).
- `ModelRequestRefused`, `refuse_remote_model_requests`, `is_loopback_host`: the global switch
  that refuses non-loopback model requests (`warroom.llm.guard`).
- `warroom.llm.provider.open_chat_model`: the pydantic-ai chat model on the configured endpoint
  (`warroom.llm.provider`).
- `warroom.llm.testing.ScriptedOpenAIServer` (import it from there): a scripted loopback
  OpenAI-compatible server for tests.

Exceptions: only `ModelRequestRefused` is raised on purpose; model failures degrade to the
offline reasoner instead, and anything else that escapes is a programming error.
"""

from warroom.llm.guard import ModelRequestRefused, is_loopback_host, refuse_remote_model_requests
from warroom.llm.ledger import OFFLINE_MODEL, UsageLedger
from warroom.llm.role import RoleCall, RoleOutcome, RoleReplay, replaying_roles, run_role

__all__ = [
    "OFFLINE_MODEL",
    "ModelRequestRefused",
    "RoleCall",
    "RoleOutcome",
    "RoleReplay",
    "UsageLedger",
    "is_loopback_host",
    "refuse_remote_model_requests",
    "replaying_roles",
    "run_role",
]
