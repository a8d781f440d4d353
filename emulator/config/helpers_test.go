package config

import (
	"testing"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// newBroker makes a real, empty broker closed when the test ends.
func newBroker(t *testing.T) *broker.Broker {
	t.Helper()
	b := broker.New(broker.Options{})
	t.Cleanup(b.Close)
	return b
}
