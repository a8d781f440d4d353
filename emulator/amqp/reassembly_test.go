package amqp

import (
	"bytes"
	"fmt"
	"testing"

	goamqp "github.com/Azure/go-amqp"
)

// A link reuses its reassembly buffer between multi-frame deliveries: each
// delivery must still arrive exactly as sent, whether the next one is
// larger, smaller or fits in one frame (which is read in place).
func TestReassemblyBufferReuse(t *testing.T) {
	b := newMemBroker(t)
	addr := testServer(t, &Server{Handler: b, MaxFrameSize: 4096})
	c := dial(t, addr, &goamqp.ConnOptions{MaxFrameSize: 2048})
	snd, err := newSession(t, c).NewSender(ctxT(t), "q", nil)
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{50_000, 9_000, 100, 120_000, 3_000, 30}
	var sent [][]byte
	for i, n := range sizes {
		body := bytes.Repeat([]byte(fmt.Sprintf("%c", 'a'+i)), n)
		sent = append(sent, body)
		if err := snd.Send(ctxT(t), goamqp.NewMessage(body), nil); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range sent {
		d := recv(t, b.deliveries, "delivery")
		m, err := DecodeMessage(d.Payload)
		if err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
		data, err := m.DataSections()
		if err != nil || len(data) != 1 || !bytes.Equal(data[0], want) {
			t.Fatalf("delivery %d: %d sections, err %v, first %d bytes", i, len(data), err, len(data[0]))
		}
	}
}
