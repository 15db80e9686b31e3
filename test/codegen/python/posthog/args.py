"""Stand-in for posthog.args: the SDK's optional keyword arguments of capture()."""
from datetime import datetime
from typing import Dict, Optional, TypedDict, Union
from uuid import UUID


class OptionalCaptureArgs(TypedDict, total=False):
    distinct_id: Optional[Union[str, int, UUID]]
    timestamp: Optional[Union[datetime, str]]
    uuid: Optional[str]
    groups: Optional[Dict[str, str]]
    send_feature_flags: bool
    disable_geoip: Optional[bool]
