"""A required property left out: mypy --strict must reject this."""
from typed_posthog import PosthogTyped

client = PosthogTyped("<ph_project_api_key>")
client.capture_test_event(optional_field="x")
