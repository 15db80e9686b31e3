// Package posthog is a stand-in for the public surface of
// github.com/posthog/posthog-go that the generated package typed uses: the
// Capture message, Properties with Merge, and a client whose Enqueue records
// messages instead of sending them (for test/codegen/check).
package posthog

import (
	"errors"
	"time"
)

// Properties are the properties of an event.
type Properties map[string]interface{}

// NewProperties returns an empty Properties.
func NewProperties() Properties {
	return make(Properties, 10)
}

// Set sets one property and returns p.
func (p Properties) Set(name string, value interface{}) Properties {
	p[name] = value
	return p
}

// Merge copies props into p and returns p.
func (p Properties) Merge(props Properties) Properties {
	for k, v := range props {
		p[k] = v
	}
	return p
}

// Groups are the groups of an event.
type Groups map[string]interface{}

// Capture is an event capture message.
type Capture struct {
	Type             string
	Uuid             string
	DistinctId       string
	Event            string
	Timestamp        time.Time
	Properties       Properties
	Groups           Groups
	SendFeatureFlags bool
}

// Message is what a client enqueues.
type Message interface {
	Validate() error
}

// Validate checks the fields a capture needs.
func (msg Capture) Validate() error {
	if msg.DistinctId == "" {
		return errors.New("capture: DistinctId missing")
	}
	return nil
}

// Config configures a client.
type Config struct {
	Endpoint string
}

// Client sends messages.
type Client interface {
	Enqueue(Message) error
	Close() error
}

// Recorder is the stand-in client: it keeps what was enqueued.
type Recorder struct {
	Messages []Message
}

// Enqueue validates msg and records it.
func (r *Recorder) Enqueue(msg Message) error {
	if err := msg.Validate(); err != nil {
		return err
	}
	r.Messages = append(r.Messages, msg)
	return nil
}

// Close does nothing.
func (r *Recorder) Close() error {
	return nil
}

// NewWithConfig returns a recording client.
func NewWithConfig(apiKey string, config Config) (Client, error) {
	return &Recorder{}, nil
}
