package emulator_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sbx-tui/sbx/emulator"
	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/emulator/config"
)

// Senders, receivers, peeks and session accepts on missing entities fail
// with CodeNotFound (CBS answers 404), quickly.
func TestNotFound(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := newClient(t, em.ConnectionString)
	ctx := ctxT(t, 10*time.Second)
	start := time.Now()
	if err := newSender(t, c, "missing").SendMessage(ctx, &azservicebus.Message{Body: []byte("x")}, nil); sbCode(err) != azservicebus.CodeNotFound {
		t.Fatalf("send: %v", err)
	}
	if _, err := newReceiver(t, c, "missing", nil).ReceiveMessages(ctx, 1, nil); sbCode(err) != azservicebus.CodeNotFound {
		t.Fatalf("receive: %v", err)
	}
	if _, err := em.Broker.CreateTopic("t", broker.Properties{}); err != nil {
		t.Fatal(err)
	}
	if _, err := subReceiver(t, c, "t", "nosub", nil).PeekMessages(ctx, 1, nil); sbCode(err) != azservicebus.CodeNotFound {
		t.Fatalf("peek on a missing subscription: %v", err)
	}
	if _, err := c.AcceptSessionForQueue(ctx, "missing", "s", nil); sbCode(err) != azservicebus.CodeNotFound {
		t.Fatalf("accept session: %v", err)
	}
	if _, err := c.AcceptNextSessionForQueue(ctx, "missing", nil); sbCode(err) != azservicebus.CodeNotFound {
		t.Fatalf("accept next session: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("not-found errors took %v", time.Since(start))
	}
}

// With a key set, tokens are verified on both APIs: a wrong key gives
// CodeUnauthorizedAccess (AMQP) and 401 (admin); the right key works.
func TestUnauthorizedWithWrongKey(t *testing.T) {
	em := startEmulator(t, emulator.Config{SASKey: "right-key"})
	q := newQueue(t, em, broker.Properties{})
	if !strings.Contains(em.ConnectionString, "SharedAccessKey=right-key;") {
		t.Fatalf("connection string %q", em.ConnectionString)
	}
	wrong := strings.Replace(em.ConnectionString, "right-key", "wrong-key", 1)

	err := newSender(t, newClient(t, wrong), q).SendMessage(ctxT(t, 10*time.Second), &azservicebus.Message{Body: []byte("x")}, nil)
	if sbCode(err) != azservicebus.CodeUnauthorizedAccess {
		t.Fatalf("send with a wrong key: %v", err)
	}
	_, err = newAdmin(t, em, wrong).GetQueue(ctxT(t, 10*time.Second), q, nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusUnauthorized {
		t.Fatalf("admin with a wrong key: %v", err)
	}

	good := newClient(t, em.ConnectionString)
	sendBodies(t, newSender(t, good, q), "ok")
	if got := receiveN(t, newReceiver(t, good, q, deleteMode), 1); string(got[0].Body) != "ok" {
		t.Fatalf("body %q", got[0].Body)
	}
	if resp, err := newAdmin(t, em, em.ConnectionString).GetQueue(ctxT(t, 10*time.Second), q, nil); err != nil || resp == nil {
		t.Fatalf("admin with the right key: %v", err)
	}
}

// Admin CRUD through the real admin client, with exact runtime counts and
// entities usable over AMQP as soon as they are created.
func TestAdminCRUDAndRuntimeCounts(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	ac := newAdmin(t, em, em.ConnectionString)
	ctx := ctxT(t, 20*time.Second)

	lock := "PT45S"
	maxDel := int32(7)
	created, err := ac.CreateQueue(ctx, "work", &admin.CreateQueueOptions{Properties: &admin.QueueProperties{
		LockDuration: &lock, MaxDeliveryCount: &maxDel,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if *created.LockDuration != lock || *created.MaxDeliveryCount != maxDel {
		t.Fatalf("created %+v", created.QueueProperties)
	}
	got, err := ac.GetQueue(ctx, "work", nil)
	if err != nil || got == nil || *got.LockDuration != lock {
		t.Fatalf("GetQueue: %+v %v", got, err)
	}
	if missing, err := ac.GetQueue(ctx, "nope", nil); err != nil || missing != nil {
		t.Fatalf("GetQueue(missing) = %v, %v", missing, err)
	}

	// Usable at once over AMQP: 3 active, 1 dead-lettered, 1 scheduled.
	c := newClient(t, em.ConnectionString)
	s := newSender(t, c, "work")
	sendBodies(t, s, "1", "2", "3", "4")
	r := newReceiver(t, c, "work", nil)
	m := receiveN(t, r, 1)[0]
	if err := r.DeadLetterMessage(ctx, m, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScheduleMessages(ctx, []*azservicebus.Message{{Body: []byte("later")}}, time.Now().Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	rt, err := ac.GetQueueRuntimeProperties(ctx, "work", nil)
	if err != nil || rt == nil {
		t.Fatalf("runtime: %v", err)
	}
	if rt.ActiveMessageCount != 3 || rt.DeadLetterMessageCount != 1 || rt.ScheduledMessageCount != 1 || rt.TotalMessageCount != 5 {
		t.Fatalf("runtime counts %+v", rt.QueueRuntimeProperties)
	}

	got.QueueProperties.MaxDeliveryCount = &maxDel
	newLock := "PT30S"
	got.QueueProperties.LockDuration = &newLock
	upd, err := ac.UpdateQueue(ctx, "work", got.QueueProperties, nil)
	if err != nil || *upd.LockDuration != newLock {
		t.Fatalf("UpdateQueue: %v", err)
	}
	if info := mustQueue(t, em, "work"); info.Properties.LockDuration != 30*time.Second {
		t.Fatalf("broker lock duration %v", info.Properties.LockDuration)
	}

	var names []string
	pager := ac.NewListQueuesPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range page.Queues {
			names = append(names, q.QueueName)
		}
	}
	if len(names) != 1 || names[0] != "work" {
		t.Fatalf("listed %v", names)
	}
	if _, err := ac.DeleteQueue(ctx, "work", nil); err != nil {
		t.Fatal(err)
	}
	if err := newSender(t, newClient(t, em.ConnectionString), "work").SendMessage(ctx, &azservicebus.Message{}, nil); sbCode(err) != azservicebus.CodeNotFound {
		t.Fatalf("send after delete: %v", err)
	}

	// Topics and subscriptions too.
	if _, err := ac.CreateTopic(ctx, "news", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ac.CreateSubscription(ctx, "news", "reader", nil); err != nil {
		t.Fatal(err)
	}
	sendBodies(t, newSender(t, c, "news"), "headline")
	srt, err := ac.GetSubscriptionRuntimeProperties(ctx, "news", "reader", nil)
	if err != nil || srt.ActiveMessageCount != 1 || srt.TotalMessageCount != 1 {
		t.Fatalf("subscription runtime: %+v %v", srt, err)
	}
	if got := receiveN(t, subReceiver(t, c, "news", "reader", deleteMode), 1); string(got[0].Body) != "headline" {
		t.Fatalf("body %q", got[0].Body)
	}
	ns, err := ac.GetNamespaceProperties(ctx, nil)
	if err != nil || ns.Name == "" {
		t.Fatalf("namespace: %+v %v", ns, err)
	}
}

// Entities from a Config.json are there at start, and /health answers.
func TestStartWithConfigAndHealth(t *testing.T) {
	cfg, err := config.Parse([]byte(`{"UserConfig":{"Namespaces":[{"Name":"sbemulatorns",
		"Queues":[{"Name":"from-config","Properties":{"MaxDeliveryCount":3}}],"Topics":[]}],"Logging":{"Type":"File"}}}`), "Config.json")
	if err != nil {
		t.Fatal(err)
	}
	em := startEmulator(t, emulator.Config{Entities: cfg})
	if info := mustQueue(t, em, "from-config"); info.Properties.MaxDeliveryCount != 3 {
		t.Fatalf("MaxDeliveryCount %d", info.Properties.MaxDeliveryCount)
	}
	resp, err := http.Get("http://" + em.HTTPAddr + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 8)
	n, _ := resp.Body.Read(buf)
	if resp.StatusCode != 200 || string(buf[:n]) != "ok" {
		t.Fatalf("health: %d %q", resp.StatusCode, buf[:n])
	}
}

// Cancelling Start's context shuts the emulator down: Wait returns and both
// ports stop accepting. Close stays safe to call again.
func TestStopOnContextEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	em, err := emulator.Start(ctx, emulator.Config{AMQPAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	done := make(chan struct{})
	go func() { em.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return after the context ended")
	}
	for _, addr := range []string{em.AMQPAddr, em.HTTPAddr} {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			t.Errorf("%s still accepts connections", addr)
		}
	}
	em.Close()
}

// A busy port is reported, not ignored.
func TestStartPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	em, err := emulator.Start(context.Background(), emulator.Config{AMQPAddr: l.Addr().String(), HTTPAddr: "127.0.0.1:0"})
	if err == nil {
		em.Close()
		t.Fatal("Start succeeded on a port in use")
	}
	if !strings.Contains(err.Error(), "AMQP") {
		t.Fatalf("error %q does not name the AMQP listener", err)
	}
}

// The admin API reports the configured namespace's name (the demo's
// "sbx-demo"), and the official emulator's default without a configuration.
func TestNamespaceName(t *testing.T) {
	for _, tc := range []struct {
		name     string
		entities *config.Config
		want     string
	}{
		{"demo", emulator.DemoConfig(), "sbx-demo"},
		{"no configuration", nil, "sbemulatorns"},
		{"unnamed namespace", &config.Config{Namespaces: []config.Namespace{{}}}, "sbemulatorns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			em := startEmulator(t, emulator.Config{Entities: tc.entities})
			ns, err := newAdmin(t, em, em.ConnectionString).GetNamespaceProperties(ctxT(t, 10*time.Second), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ns.Name != tc.want {
				t.Fatalf("namespace name %q, want %q", ns.Name, tc.want)
			}
		})
	}
}
