// A string literal where an enum rule's type is expected: go build must
// reject this (a named string type would have taken it).
package main

import (
	"example.com/check/typed"
)

func main() {
	_ = typed.PlanSelectedCapture("user_1", "enterprize", typed.PlanSelectedSeats5, "ads")
}
