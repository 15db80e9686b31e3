"""A stand-in for the public surface of the posthog Python SDK (posthog
package, class Posthog) that the generated PosthogTyped subclasses: the same
signatures, no network.  capture() records (event, properties, kwargs) in
self.captured so usage_ok.py can check what the generated methods send."""
from typing import Any, Dict, List, Optional, Tuple

from typing_extensions import Unpack

from posthog.args import OptionalCaptureArgs


class Posthog:
    def __init__(
        self,
        project_api_key: str,
        host: Optional[str] = None,
        debug: bool = False,
        sync_mode: bool = False,
        disabled: bool = False,
        **kwargs: Any,
    ) -> None:
        self.api_key = project_api_key
        self.host = host
        self.captured: List[Tuple[str, Optional[Dict[str, Any]], Dict[str, Any]]] = []

    def capture(
        self,
        event: str,
        properties: Optional[Dict[str, Any]] = None,
        **kwargs: Unpack[OptionalCaptureArgs],
    ) -> Optional[str]:
        self.captured.append((event, properties, dict(kwargs)))
        return "00000000-0000-4000-8000-000000000001"

    def capture_exception(
        self,
        exception: Optional[BaseException] = None,
        **kwargs: Unpack[OptionalCaptureArgs],
    ) -> Optional[str]:
        return None

    def flush(self) -> None:
        pass

    def shutdown(self) -> None:
        pass
