package amqp

import (
	"bytes"
	"reflect"
	"testing"
)

func u32(v uint32) *uint32 { return &v }

func samplePerformatives() []performative {
	ch := uint16(3)
	snd, rcv := SndMixed, RcvSecond
	return []performative{
		&openFrame{ContainerID: "c", Hostname: "h:5672", MaxFrameSize: 65536, ChannelMax: 65535, IdleTimeout: 30000,
			OfferedCapabilities: []Symbol{"a"}, DesiredCapabilities: []Symbol{"b", "c"},
			Properties: &Map{Pairs: []MapPair{{Symbol("product"), "x"}}}},
		&beginFrame{RemoteChannel: &ch, NextOutgoingID: 1, IncomingWindow: 5000, OutgoingWindow: 5000, HandleMax: 7},
		&attachFrame{Name: "link", Handle: 2, Role: RoleReceiver, SndSettleMode: &snd, RcvSettleMode: &rcv,
			Source: &Source{Address: "q", Filter: &Map{Pairs: []MapPair{{Symbol("com.microsoft:session-filter"), Described{uint64(0x137000000c), "s1"}}}}},
			Target: &Target{Address: "t"}, InitialDeliveryCount: u32(0), MaxMessageSize: 262144,
			Properties: &Map{Pairs: []MapPair{{Symbol("com.microsoft:timeout"), uint32(100)}}}},
		&flowFrame{NextIncomingID: u32(4), IncomingWindow: 5000, NextOutgoingID: 9, OutgoingWindow: 5000,
			Handle: u32(1), DeliveryCount: u32(2), LinkCredit: u32(100), Available: u32(3), Drain: true, Echo: true},
		&transferFrame{Handle: 1, DeliveryID: u32(5), DeliveryTag: []byte{1, 2}, MessageFormat: u32(MessageFormatBatch),
			Settled: true, More: true, State: &Accepted{}, Batchable: true},
		&dispositionFrame{Role: RoleReceiver, First: 1, Last: u32(9), Settled: true,
			State: &Rejected{Error: &Error{Condition: ErrDeadLetter, Info: &Map{Pairs: []MapPair{{"DeadLetterReason", "r"}}}}}},
		&detachFrame{Handle: 4, Closed: true, Error: &Error{Condition: ErrLinkDetachForced, Description: "d"}},
		&endFrame{Error: &Error{Condition: ErrInternal}},
		&endFrame{},
		&closeFrame{},
		&saslMechanisms{Mechanisms: []Symbol{"ANONYMOUS", "PLAIN"}},
		&saslInit{Mechanism: "PLAIN", InitialResponse: []byte("\x00u\x00p"), Hostname: "h"},
		&saslOutcome{Code: 1, AdditionalData: []byte{9}},
		&saslChallenge{Challenge: []byte{1}},
		&saslResponse{Response: []byte{2}},
	}
}

func TestPerformativeRoundTrip(t *testing.T) {
	for _, p := range samplePerformatives() {
		frame, err := appendFrame(nil, frameTypeAMQP, 7, p, []byte("payload"))
		if err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		if _, isTransfer := p.(*transferFrame); !isTransfer {
			frame, _ = appendFrame(nil, frameTypeAMQP, 7, p, nil)
		}
		h, got, payload, err := decodeFrame(frame, 0)
		if err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		if h.Channel != 7 || h.Size != uint32(len(frame)) {
			t.Fatalf("%T: header %+v", p, h)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("%T round trip:\n got %#v\nwant %#v", p, got, p)
		}
		if _, isTransfer := p.(*transferFrame); isTransfer && string(payload) != "payload" {
			t.Fatalf("payload %q", payload)
		}
	}
}

// TestAttachMaxMessageSizeIsUlong pins the encoding go-amqp insists on.
func TestAttachMaxMessageSizeIsUlong(t *testing.T) {
	b, err := (&attachFrame{Name: "n", Handle: 0, MaxMessageSize: 262144}).appendTo(nil)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := DecodeValue(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.(*attachFrame).MaxMessageSize; got != 262144 {
		t.Fatalf("max-message-size %d", got)
	}
	want := []byte{codeUlong, 0, 0, 0, 0, 0, 4, 0, 0}
	if !bytes.Contains(b, want) {
		t.Fatalf("max-message-size not encoded as ulong: % x", b)
	}
}

func TestDecodeFrameDefaults(t *testing.T) {
	// open with only a container-id: the spec defaults apply.
	b, _ := appendFrame(nil, frameTypeAMQP, 0, rawPerformative{0x00, 0x53, 0x10, 0xc0, 3, 1, 0xa1, 0}, nil)
	_, p, _, err := decodeFrame(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	o := p.(*openFrame)
	if o.MaxFrameSize != 0xffffffff || o.ChannelMax != 0xffff || o.IdleTimeout != 0 {
		t.Fatalf("defaults %+v", o)
	}
	// An empty frame is a keepalive.
	_, p, _, err = decodeFrame(emptyFrame, 0)
	if err != nil || p != nil {
		t.Fatalf("empty frame: %v %v", p, err)
	}
	// The extended header is skipped.
	ext := []byte{0, 0, 0, 16, 4, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9}
	if _, p, _, err = decodeFrame(ext, 0); err != nil || p != nil {
		t.Fatalf("extended header: %v %v", p, err)
	}
}

func TestDecodeFrameMalformed(t *testing.T) {
	good, _ := appendFrame(nil, frameTypeAMQP, 0, &endFrame{}, nil)
	cases := map[string][]byte{
		"short header":         {0, 0, 0},
		"size below header":    {0, 0, 0, 4, 2, 0, 0, 0},
		"size above max":       {0, 1, 0, 0, 2, 0, 0, 0},
		"doff below 2":         {0, 0, 0, 8, 1, 0, 0, 0},
		"doff beyond size":     {0, 0, 0, 8, 3, 0, 0, 0},
		"unknown frame type":   {0, 0, 0, 8, 2, 7, 0, 0},
		"truncated":            good[:len(good)-1],
		"trailing bytes":       append(bytes.Clone(good[:len(good)]), 0x40),
		"not described":        {0, 0, 0, 9, 2, 0, 0, 0, 0x40},
		"unknown descriptor":   {0, 0, 0, 12, 2, 0, 0, 0, 0x00, 0x53, 0x99, 0x45},
		"transfer no handle":   {0, 0, 0, 12, 2, 0, 0, 0, 0x00, 0x53, 0x14, 0x45},
		"detach no handle":     {0, 0, 0, 12, 2, 0, 0, 0, 0x00, 0x53, 0x16, 0x45},
		"attach no name":       {0, 0, 0, 12, 2, 0, 0, 0, 0x00, 0x53, 0x12, 0x45},
		"disposition no first": {0, 0, 0, 12, 2, 0, 0, 0, 0x00, 0x53, 0x15, 0x45},
		"outcome without code": {0, 0, 0, 12, 2, 1, 0, 0, 0x00, 0x53, 0x44, 0x45},
		"flow wrong type":      {0, 0, 0, 15, 2, 0, 0, 0, 0x00, 0x53, 0x13, 0xc0, 2, 1, 0xa1},
	}
	// The trailing-bytes case needs its size field to cover the extra byte.
	tb := cases["trailing bytes"]
	tb[3]++
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, p, _, err := decodeFrame(in, 4096); err == nil {
				t.Fatalf("decoded %#v, want error", p)
			}
		})
	}
}
