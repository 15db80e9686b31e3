"""A number that the property's enum rule does not allow: mypy --strict must
reject this."""
from typed_posthog import PosthogTyped

client = PosthogTyped("<ph_project_api_key>")
client.capture_plan_selected(plan="pro", seats=3, source="ads")
