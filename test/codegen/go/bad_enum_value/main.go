// A value of an enum rule's type made outside its package: go build must
// reject this (its field is unexported).
package main

import (
	"example.com/check/typed"
)

func main() {
	_ = typed.PlanSelectedCapture("user_1", typed.PlanSelectedPlan{"enterprize"}, typed.PlanSelectedSeats5, "ads")
}
