package sbsvc

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
)

// frameTracer logs the AMQP frames that cross a connection: direction,
// size, frame type, channel and the performative's name. It reads only
// frame headers and the performative's descriptor code, never the fields
// or the payload: those hold message bodies and, in the CBS exchange, SAS
// tokens. A stream it cannot follow (a malformed header) stops the trace
// for that direction with one line saying so; the connection itself is
// never touched.
type frameTracer struct {
	net.Conn
	in, out frameParser
}

func newFrameTracer(c net.Conn, log *slog.Logger) *frameTracer {
	t := &frameTracer{Conn: c}
	t.in = frameParser{dir: "recv", log: log}
	t.out = frameParser{dir: "send", log: log}
	return t
}

func (t *frameTracer) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.in.feed(p[:n])
	return n, err
}

func (t *frameTracer) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	t.out.feed(p[:n])
	return n, err
}

// Frame types and descriptor encodings (AMQP 1.0, part 2).
const (
	frameTypeAMQP      = 0x00
	frameTypeSASL      = 0x01
	frameHeaderSize    = 8
	descriptorMaxBytes = 10 // 0x00, 0x80 and an 8-byte ulong
)

var performatives = map[uint64]string{
	0x10: "open", 0x11: "begin", 0x12: "attach", 0x13: "flow", 0x14: "transfer",
	0x15: "disposition", 0x16: "detach", 0x17: "end", 0x18: "close",
	0x40: "sasl-mechanisms", 0x41: "sasl-init", 0x42: "sasl-challenge",
	0x43: "sasl-response", 0x44: "sasl-outcome",
}

// frameParser follows one direction of the byte stream. Bytes arrive in
// pieces of any size: it gathers a frame's head in head, then skips the
// rest of the frame.
type frameParser struct {
	dir  string
	log  *slog.Logger
	head []byte
	skip int
	lost bool
}

func (p *frameParser) feed(b []byte) {
	for len(b) > 0 && !p.lost {
		if p.skip > 0 {
			n := min(p.skip, len(b))
			p.skip -= n
			b = b[n:]
			continue
		}
		want := p.headWanted()
		n := min(want-len(p.head), len(b))
		p.head = append(p.head, b[:n]...)
		b = b[n:]
		if len(p.head) < want {
			return
		}
		if done := p.frameHead(); done {
			p.head = p.head[:0]
		}
	}
}

// headWanted is how many bytes of the current frame to gather: the fixed
// header first, then up to the performative's descriptor.
func (p *frameParser) headWanted() int {
	if len(p.head) < frameHeaderSize || string(p.head[:4]) == "AMQP" {
		return frameHeaderSize
	}
	size := int(binary.BigEndian.Uint32(p.head))
	bodyStart := int(p.head[4]) * 4
	return min(size, bodyStart+descriptorMaxBytes)
}

// frameHead handles a gathered head; false means more of it is wanted.
func (p *frameParser) frameHead() bool {
	h := p.head
	if string(h[:4]) == "AMQP" {
		p.log.Debug("amqp protocol header", "dir", p.dir, "protocol", protocolName(h[4]),
			"version", fmt.Sprintf("%d.%d.%d", h[5], h[6], h[7]))
		return true
	}
	size := int(binary.BigEndian.Uint32(h))
	bodyStart := int(h[4]) * 4
	if bodyStart < frameHeaderSize || size < bodyStart {
		p.lost = true
		p.log.Debug("amqp frame trace stopped: a frame header could not be read", "dir", p.dir)
		return true
	}
	if want := min(size, bodyStart+descriptorMaxBytes); len(h) < want {
		return false
	}
	typ := "amqp"
	if h[5] == frameTypeSASL {
		typ = "sasl"
	} else if h[5] != frameTypeAMQP {
		typ = fmt.Sprintf("0x%02x", h[5])
	}
	name := "empty (heartbeat)"
	if size > bodyStart {
		name = performativeName(h[bodyStart:])
	}
	p.log.Debug("amqp frame", "dir", p.dir, "size", size, "type", typ,
		"channel", binary.BigEndian.Uint16(h[6:8]), "performative", name)
	p.skip = size - len(h)
	return true
}

// performativeName reads a described type's descriptor code: only the
// numeric forms are decoded; a symbolic descriptor is not, since its text
// would come from the peer.
func performativeName(b []byte) string {
	if len(b) < 3 || b[0] != 0x00 {
		return "unknown"
	}
	var code uint64
	switch {
	case b[1] == 0x53:
		code = uint64(b[2])
	case b[1] == 0x80 && len(b) >= 10:
		code = binary.BigEndian.Uint64(b[2:10])
	case b[1] == 0x44:
		code = 0
	default:
		return "unknown"
	}
	if name, ok := performatives[code]; ok {
		return name
	}
	return fmt.Sprintf("unknown (0x%x)", code)
}

func protocolName(id byte) string {
	switch id {
	case 0:
		return "amqp"
	case 2:
		return "tls"
	case 3:
		return "sasl"
	}
	return fmt.Sprintf("%d", id)
}
