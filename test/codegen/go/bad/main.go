// A required property left out: go build must reject this.
package main

import (
	"example.com/check/typed"
)

func main() {
	_ = typed.TestEventCapture("user_1")
}
