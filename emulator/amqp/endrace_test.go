package amqp

import "testing"

// go-amqp gives up on a session whose begin could not be written in time
// (NewSession's context ended) and later sends end on that channel anyway.
// The server never saw the begin; the stray end is ignored, without an
// answer, and the connection and its other sessions go on.
func TestEndWithoutSessionIsIgnored(t *testing.T) {
	addr := testServer(t, &Server{Handler: newMemBroker(t)})
	r := dialRaw(t, addr)
	r.open()
	r.writeFrame(frameTypeAMQP, 5, &endFrame{})
	// The next frame must answer this begin: no close, no end for channel 5.
	r.writeFrame(frameTypeAMQP, 0, &beginFrame{IncomingWindow: 100, OutgoingWindow: 100, HandleMax: 10})
	p, err := r.readFrame()
	if err != nil {
		t.Fatalf("reading the begin answer: %v", err)
	}
	b, ok := p.(*beginFrame)
	if !ok {
		t.Fatalf("got %T %+v after a stray end, want the begin answer", p, p)
	}
	if b.RemoteChannel == nil || *b.RemoteChannel != 0 {
		t.Fatalf("begin answer for channel %v, want 0", b.RemoteChannel)
	}
	// An end for an unknown channel must not have ended channel 0 either.
	r.writeFrame(frameTypeAMQP, 0, &endFrame{})
	if p, err := r.readFrame(); err != nil {
		t.Fatalf("reading the end answer: %v", err)
	} else if _, ok := p.(*endFrame); !ok {
		t.Fatalf("got %T, want the end answer for channel 0", p)
	}
}
