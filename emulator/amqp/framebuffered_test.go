package amqp

import (
	"bufio"
	"bytes"
	"testing"
)

// frameBuffered tells a wholly buffered frame from one whose rest is still
// on the socket, which decides whether the read deadline must be renewed.
func TestFrameBuffered(t *testing.T) {
	empty := []byte{0, 0, 0, 8, 2, 0, 0, 0}
	partial := []byte{0, 0, 0, 12, 2, 0, 0, 0, 1}
	c := &connState{br: bufio.NewReader(bytes.NewReader(append(append([]byte{}, empty...), partial...)))}
	if c.frameBuffered() {
		t.Fatal("nothing read yet, but a frame counts as buffered")
	}
	if _, err := c.br.Peek(1); err != nil {
		t.Fatal(err)
	}
	if !c.frameBuffered() {
		t.Fatal("a complete 8-byte frame is buffered")
	}
	if _, err := c.br.Discard(len(empty)); err != nil {
		t.Fatal(err)
	}
	if c.frameBuffered() {
		t.Fatal("a 12-byte frame with 9 bytes buffered counts as complete")
	}
}
