"""Correct uses of the generated PosthogTyped (typed_posthog.py, from
fixture.sql project 1): mypy --strict accepts them, and run against the
stand-in posthog package they send the expected events and properties."""
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

from empty_posthog import PosthogTyped as EmptyPosthogTyped
from merged_posthog import PosthogTyped as MergedPosthogTyped
from typed_posthog import PosthogTyped

client = PosthogTyped("<ph_project_api_key>", host="https://us.i.posthog.com")
when = datetime(2024, 1, 2, tzinfo=timezone.utc)

r: Optional[str] = client.capture_test_event(required_field=1.5, distinct_id="u1")
client.capture_test_event(required_field=2, optional_field="x", extra_properties={"extra": True})
client.capture_optional_event()
client.capture_untyped_event(extra_properties={"anything": [1, 2]}, timestamp=when)
client.capture_a_a_b_c_c_cake(quote_d=True, groups={"company": "acme"})
client.capture_file_downloaded(downloaded_at=when, file_name="a.pdf", file_size=3, file_extension="pdf")
client.capture_user_signed_up(email="a@b.c")  # "user signed up"
client.capture_user_signed_up_2(email="a@b.c", plan="free", tags=[1, "x"], settings={"k": 1},
                                is_trial=False, signed_up_at=when, send_feature_flags=True)
client.capture_pageview(current_url="https://example.com/")
client.capture_caf(na_ve=1.0, value="ja")
client.capture_ctl(p_r_o_p="x")
client.capture_event()  # ""
client.capture_event_2()  # "Event"
client.capture_event_3()  # 日本語
client.capture_exception_2()  # the event "exception"
client.capture_exception(ValueError("the SDK's own method is still there"))
client.capture_plan_selected(plan="pro", seats=5, source="ads", ratio=0.5, annual=True)
client.capture("any_event_at_all", {"free": "form"})
client.capture_keywords(
    Any_2="Any", Dict_2="Dict", List="List", None_="None", Optional="Optional",
    OptionalCaptureArgs="OptionalCaptureArgs", True_="True", Unpack="Unpack", base="base",
    bool="bool", break_="break", c="c", class_="class", datetime="datetime", def_="def",
    distinctId="distinctId", distinct_id_2="distinct_id", distinct_id="u2", extra_properties_2="extra_properties",
    float64="float64", func="func", go="go", interface="interface", k="k", kwargs_2="kwargs",
    lambda_="lambda", map="map", nil="nil", option="option", options="options", p="p",
    posthog="posthog", properties_2="properties", props="props", range="range", self_2="self",
    str_2="str", string="string", time="time", true="true", type="type", v="v",
    o_class="o_class", o_self="o_self", extra_properties={"x": 1}, uuid="u")
MergedPosthogTyped("key").capture_merged(when=True)
EmptyPosthogTyped("key").capture("still_works")

sent: List[Tuple[str, Optional[Dict[str, Any]], Dict[str, Any]]] = client.captured
expected: List[Tuple[str, Optional[Dict[str, Any]], Dict[str, Any]]] = [
    ("test_event", {"required_field": 1.5}, {"distinct_id": "u1"}),
    ("test_event", {"required_field": 2, "optional_field": "x", "extra": True}, {}),
    ("optional_event", {}, {}),
    ("untyped_event", {"anything": [1, 2]}, {"timestamp": when}),
    ("a'a\\'b\"c>?>%}}%%>c<[[?${{%}}cake'", {'quote"d': True}, {"groups": {"company": "acme"}}),
    ("file_downloaded", {"downloaded_at": when, "file_name": "a.pdf", "file_size": 3,
                         "file_extension": "pdf"}, {}),
    ("user signed up", {"email": "a@b.c"}, {}),
    ("user_signed_up", {"email": "a@b.c", "plan": "free", "is_trial": False, "settings": {"k": 1},
                        "signed_up_at": when, "tags": [1, "x"]}, {"send_feature_flags": True}),
    ("$pageview", {"$current_url": "https://example.com/"}, {}),
    ("caf\u00e9 \u2615", {"na\u00efve": 1.0, "\u65e5": "ja"}, {}),
    ("ctl\x01\n\t\"\\", {"p\"r\\o\np\ufeff\u2028": "x"}, {}),
    ("", None, {}),
    ("Event", None, {}),
    ("\u65e5\u672c\u8a9e", None, {}),
    ("exception", None, {}),
    ("plan_selected", {"plan": "pro", "seats": 5, "source": "ads", "annual": True, "ratio": 0.5}, {}),
    ("any_event_at_all", {"free": "form"}, {}),
]
keywords = ["Any", "Dict", "List", "None", "Optional", "OptionalCaptureArgs", "True", "Unpack",
            "base", "bool", "break", "c", "class", "datetime", "def", "distinctId", "distinct_id",
            "extra_properties", "float64", "func", "go", "interface", "k", "kwargs", "lambda",
            "map", "nil", "option", "options", "p", "posthog", "properties", "props", "range",
            "self", "str", "string", "time", "true", "type", "v"]
keyword_props: Dict[str, Any] = {k: k for k in keywords}
keyword_props.update({"o_class": "o_class", "o_self": "o_self", "x": 1})
expected.append(("keywords", keyword_props, {"uuid": "u", "distinct_id": "u2"}))
for got, want in zip(sent, expected):
    assert got == want, f"sent {got!r}, expected {want!r}"
assert len(sent) == len(expected), f"{len(sent)} events sent, {len(expected)} expected"
