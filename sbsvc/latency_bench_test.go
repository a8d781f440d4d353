package sbsvc

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/sbx-tui/sbx/emulator"
)

// networkOneWay is the one-way delay the network benchmarks add: 1 ms, a
// 2 ms round trip, about what a client in the same Azure region sees
// (from elsewhere it is 10–100 times more, which only widens the gap).
const networkOneWay = time.Millisecond

// networkSample is how many messages the one-at-a-time loop handles over
// the slow link: each costs three round trips.
const networkSample = 200

// overNetwork starts an emulator behind a delaying proxy and connects sbsvc
// and a bare SDK client through it.
func overNetwork(b *testing.B) (*emulator.Emulator, *Namespace, *azservicebus.Client) {
	em := startEmulator(b, emulator.Config{})
	p := startLatencyProxy(b, em.AMQPAddr, networkOneWay)
	if !strings.Contains(em.ConnectionString, em.AMQPAddr) {
		b.Fatalf("connection string %q does not name %s", em.ConnectionString, em.AMQPAddr)
	}
	slow := strings.Replace(em.ConnectionString, em.AMQPAddr, p.addr(), 1)
	ns := connectEmulator(b, em, func(s *Source) { s.ConnectionString = slow })
	c, err := azservicebus.NewClientFromConnectionString(slow, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close(context.Background()) })
	return em, ns, c
}

// BenchmarkResubmit10kOverNetwork is BenchmarkResubmit10k with the AMQP
// traffic of both sides through a proxy that delays it like a network.
// On loopback the comparison is CPU against CPU on two shared cores; here
// the one-at-a-time loop pays its three round trips per message while
// sbsvc's batches and pipelined completions pay them per batch.
func BenchmarkResubmit10kOverNetwork(b *testing.B) {
	em, ns, c := overNetwork(b)
	benchResubmit(b, em, ns, c, networkSample)
}

// BenchmarkPurge10kOverNetwork is BenchmarkPurge10k through the same
// delaying proxy: the one-at-a-time receive-and-delete loop pays a round
// trip per message.
func BenchmarkPurge10kOverNetwork(b *testing.B) {
	em, ns, c := overNetwork(b)
	benchPurge(b, em, ns, c, networkSample)
}
