// Correct uses of the generated package typed (fixture.sql project 1; the
// empty, merged and unusual packages of projects 2-4 only need to compile): go vet
// accepts them, and running checks the events and properties they build.
package main

import (
	"fmt"
	"os"
	"reflect"
	"time"

	"github.com/posthog/posthog-go"

	_ "example.com/check/empty/typed"
	merged "example.com/check/merged/typed"
	"example.com/check/typed"
	_ "example.com/check/unusual/typed"
)

func check(got posthog.Capture, event string, props posthog.Properties) {
	if got.Event != event || !reflect.DeepEqual(got.Properties, props) || got.DistinctId == "" {
		fmt.Printf("got %q %v (%q), expected %q %v\n", got.Event, got.Properties, got.DistinctId, event, props)
		os.Exit(1)
	}
}

func main() {
	client, _ := posthog.NewWithConfig("<ph_project_api_key>", posthog.Config{Endpoint: "https://us.i.posthog.com"})
	defer client.Close()
	when := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)

	if err := client.Enqueue(typed.TestEventCapture("u1", 1.5)); err != nil {
		panic(err)
	}
	check(typed.TestEventCapture("u1", 1.5), "test_event", posthog.Properties{"required_field": 1.5})
	check(typed.TestEventCapture("u1", 2, typed.TestEventWithOptionalField("x"),
		typed.TestEventWithExtraProps(posthog.Properties{"extra": true})),
		"test_event", posthog.Properties{"required_field": 2.0, "optional_field": "x", "extra": true})
	base := posthog.Capture{DistinctId: "u2", Properties: posthog.Properties{"kept": 1}}
	check(typed.TestEventCaptureFromBase(base, 3), "test_event", posthog.Properties{"kept": 1, "required_field": 3.0})
	check(typed.OptionalEventCapture("u1"), "optional_event", posthog.Properties{})
	check(typed.UntypedEventCapture("u1", posthog.Properties{"a": 1}, posthog.Properties{"b": 2}),
		"untyped_event", posthog.Properties{"a": 1, "b": 2})
	check(typed.UntypedEventCaptureFromBase(posthog.Capture{DistinctId: "u3"}, posthog.Properties{"a": 1}),
		"untyped_event", posthog.Properties{"a": 1})
	check(typed.AABCCCakeCapture("u1", true), "a'a\\'b\"c>?>%}}%%>c<[[?${{%}}cake'",
		posthog.Properties{"quote\"d": true})
	check(typed.FileDownloadedCapture("u1", when, "a.pdf", 3, typed.FileDownloadedWithFileExtension("pdf")),
		"file_downloaded", posthog.Properties{"downloaded_at": when, "file_name": "a.pdf", "file_size": 3.0,
			"file_extension": "pdf"})
	check(typed.UserSignedUpCapture("u1", "a@b.c"), "user signed up", posthog.Properties{"email": "a@b.c"})
	check(typed.UserSignedUp2Capture("u1", "a@b.c", "free", typed.UserSignedUp2WithTags([]interface{}{1}),
		typed.UserSignedUp2WithSettings(map[string]interface{}{"k": 1}), typed.UserSignedUp2WithIsTrial(false),
		typed.UserSignedUp2WithSignedUpAt(when)),
		"user_signed_up", posthog.Properties{"email": "a@b.c", "plan": "free", "tags": []interface{}{1},
			"settings": map[string]interface{}{"k": 1}, "is_trial": false, "signed_up_at": when})
	check(typed.PageviewCapture("u1", "https://example.com/"), "$pageview",
		posthog.Properties{"$current_url": "https://example.com/"})
	check(typed.CafCapture("u1", 1, typed.CafWithProp("ja")), "caf\u00e9 \u2615",
		posthog.Properties{"na\u00efve": 1.0, "\u65e5": "ja"})
	check(typed.CtlU0001NTCapture("u1", "x"), "ctl\x01\n\t\"\\", posthog.Properties{"p\"r\\o\np\ufeff\u2028": "x"})
	check(typed.DelCapture("u1"), "del\x7f\u2028\ufeff", posthog.Properties{})
	check(typed.EventCapture("u1"), "", posthog.Properties{})
	check(typed.Event2Capture("u1"), "Event", posthog.Properties{})
	check(typed.Event3Capture("u1"), "\u65e5\u672c\u8a9e", posthog.Properties{})
	check(typed.Event123StartCapture("u1"), "123 start", posthog.Properties{})
	check(typed.ExceptionCapture("u1"), "exception", posthog.Properties{})

	names := []string{"Any", "Dict", "List", "None", "Optional", "OptionalCaptureArgs", "True", "Unpack",
		"base", "bool", "break", "c", "class", "datetime", "def", "distinctId", "distinct_id",
		"extra_properties", "float64", "func", "go", "interface", "k", "kwargs", "lambda", "map", "nil",
		"option", "options", "p", "posthog", "properties", "props", "range", "self", "str", "string",
		"time", "true", "type", "v"}
	want := posthog.Properties{"o_class": "oc", "o_self": "os"}
	for _, n := range names {
		want[n] = n
	}
	args := make([]string, len(names))
	copy(args, names)
	check(typed.KeywordsCapture("u1", args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7],
		args[8], args[9], args[10], args[11], args[12], args[13], args[14], args[15], args[16], args[17],
		args[18], args[19], args[20], args[21], args[22], args[23], args[24], args[25], args[26], args[27],
		args[28], args[29], args[30], args[31], args[32], args[33], args[34], args[35], args[36], args[37],
		args[38], args[39], args[40], typed.KeywordsWithOClass("oc"), typed.KeywordsWithOSelf("os")),
		"keywords", want)

	check(typed.PlanSelectedCapture("u1", typed.PlanSelectedPlanPro, typed.PlanSelectedSeats5, "ads",
		typed.PlanSelectedWithRatio(typed.PlanSelectedRatio0_5), typed.PlanSelectedWithAnnual(typed.PlanSelectedAnnualTrue)),
		"plan_selected", posthog.Properties{"plan": "pro", "seats": 5.0, "source": "ads", "ratio": 0.5, "annual": true})
	check(typed.PlanSelectedCaptureFromBase(posthog.Capture{DistinctId: "u4"}, typed.PlanSelectedPlanFree,
		typed.PlanSelectedSeats10, "web"),
		"plan_selected", posthog.Properties{"plan": "free", "seats": 10.0, "source": "web"})
	var none typed.PlanSelectedPlan
	check(typed.PlanSelectedCapture("u1", none, typed.PlanSelectedSeats1, "x"),
		"plan_selected", posthog.Properties{"plan": nil, "seats": 1.0, "source": "x"})

	check(merged.MergedCapture("u1", true), "merged", posthog.Properties{"when": true})
	fmt.Println("go usage ok")
}
