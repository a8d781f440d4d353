package amqp

import "fmt"

// performative is a frame body the engine sends or receives.
type performative interface {
	appendTo(buf []byte) ([]byte, error)
}

type openFrame struct {
	ContainerID         string
	Hostname            string
	MaxFrameSize        uint32 // decode: 4294967295 when absent
	ChannelMax          uint16 // decode: 65535 when absent
	IdleTimeout         uint32 // milliseconds; 0 when absent
	OfferedCapabilities []Symbol
	DesiredCapabilities []Symbol
	Properties          *Map
}

func (f *openFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descOpen)
	w.str(f.ContainerID)
	w.strOpt(f.Hostname)
	w.uint(f.MaxFrameSize)
	w.ushort(f.ChannelMax)
	if f.IdleTimeout > 0 {
		w.uint(f.IdleTimeout)
	} else {
		w.null()
	}
	w.null() // outgoing-locales
	w.null() // incoming-locales
	w.syms(f.OfferedCapabilities)
	w.syms(f.DesiredCapabilities)
	w.value(f.Properties)
	return w.finish()
}

type beginFrame struct {
	RemoteChannel       *uint16
	NextOutgoingID      uint32
	IncomingWindow      uint32
	OutgoingWindow      uint32
	HandleMax           uint32 // decode: 4294967295 when absent
	OfferedCapabilities []Symbol
	DesiredCapabilities []Symbol
	Properties          *Map
}

func (f *beginFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descBegin)
	if f.RemoteChannel != nil {
		w.ushort(*f.RemoteChannel)
	} else {
		w.null()
	}
	w.uint(f.NextOutgoingID)
	w.uint(f.IncomingWindow)
	w.uint(f.OutgoingWindow)
	w.uint(f.HandleMax)
	w.syms(f.OfferedCapabilities)
	w.syms(f.DesiredCapabilities)
	w.value(f.Properties)
	return w.finish()
}

type attachFrame struct {
	Name                 string
	Handle               uint32
	Role                 Role
	SndSettleMode        *uint8
	RcvSettleMode        *uint8
	Source               *Source
	Target               *Target
	Unsettled            *Map
	IncompleteUnsettled  bool
	InitialDeliveryCount *uint32
	MaxMessageSize       uint64 // 0 when absent
	OfferedCapabilities  []Symbol
	DesiredCapabilities  []Symbol
	Properties           *Map
}

func (f *attachFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descAttach)
	w.str(f.Name)
	w.uint(f.Handle)
	w.bool(bool(f.Role))
	w.ubytep(f.SndSettleMode)
	w.ubytep(f.RcvSettleMode)
	w.value(f.Source)
	w.value(f.Target)
	w.value(f.Unsettled)
	w.boolOpt(f.IncompleteUnsettled)
	w.uintp(f.InitialDeliveryCount)
	if f.MaxMessageSize > 0 {
		w.ulong(f.MaxMessageSize) // must be ulong: go-amqp rejects a uint here
	} else {
		w.null()
	}
	w.syms(f.OfferedCapabilities)
	w.syms(f.DesiredCapabilities)
	w.value(f.Properties)
	return w.finish()
}

type flowFrame struct {
	NextIncomingID *uint32
	IncomingWindow uint32
	NextOutgoingID uint32
	OutgoingWindow uint32
	Handle         *uint32
	DeliveryCount  *uint32
	LinkCredit     *uint32
	Available      *uint32
	Drain          bool
	Echo           bool
	Properties     *Map
}

func (f *flowFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descFlow)
	w.uintp(f.NextIncomingID)
	w.uint(f.IncomingWindow)
	w.uint(f.NextOutgoingID)
	w.uint(f.OutgoingWindow)
	w.uintp(f.Handle)
	w.uintp(f.DeliveryCount)
	w.uintp(f.LinkCredit)
	w.uintp(f.Available)
	w.boolOpt(f.Drain)
	w.boolOpt(f.Echo)
	w.value(f.Properties)
	return w.finish()
}

type transferFrame struct {
	Handle        uint32
	DeliveryID    *uint32
	DeliveryTag   []byte // nil when absent
	MessageFormat *uint32
	Settled       bool
	More          bool
	RcvSettleMode *uint8
	State         DeliveryState
	Resume        bool
	Aborted       bool
	Batchable     bool
}

func (f *transferFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descTransfer)
	w.uint(f.Handle)
	w.uintp(f.DeliveryID)
	w.binary(f.DeliveryTag)
	w.uintp(f.MessageFormat)
	w.bool(f.Settled)
	w.bool(f.More) // always present so both values encode to the same size
	w.ubytep(f.RcvSettleMode)
	w.value(f.State)
	w.boolOpt(f.Resume)
	w.boolOpt(f.Aborted)
	w.boolOpt(f.Batchable)
	return w.finish()
}

type dispositionFrame struct {
	Role      Role
	First     uint32
	Last      *uint32
	Settled   bool
	State     DeliveryState
	Batchable bool
}

func (f *dispositionFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descDisposition)
	w.bool(bool(f.Role))
	w.uint(f.First)
	w.uintp(f.Last)
	w.boolOpt(f.Settled)
	w.value(f.State)
	w.boolOpt(f.Batchable)
	return w.finish()
}

type detachFrame struct {
	Handle uint32
	Closed bool
	Error  *Error
}

func (f *detachFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descDetach)
	w.uint(f.Handle)
	w.boolOpt(f.Closed)
	w.value(f.Error)
	return w.finish()
}

type endFrame struct{ Error *Error }

func (f *endFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descEnd)
	w.value(f.Error)
	return w.finish()
}

type closeFrame struct{ Error *Error }

func (f *closeFrame) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descClose)
	w.value(f.Error)
	return w.finish()
}

type saslMechanisms struct{ Mechanisms []Symbol }

func (f *saslMechanisms) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descSASLMechanisms)
	w.syms(f.Mechanisms)
	return w.finish()
}

type saslInit struct {
	Mechanism       Symbol
	InitialResponse []byte
	Hostname        string
}

func (f *saslInit) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descSASLInit)
	w.sym(f.Mechanism)
	w.binary(f.InitialResponse)
	w.strOpt(f.Hostname)
	return w.finish()
}

// saslChallenge and saslResponse are decoded so a peer using them gets a
// clean refusal; the server offers no challenge-based mechanism.
type saslChallenge struct{ Challenge []byte }

func (f *saslChallenge) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descSASLChallenge)
	w.binary(f.Challenge)
	return w.finish()
}

type saslResponse struct{ Response []byte }

func (f *saslResponse) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descSASLResponse)
	w.binary(f.Response)
	return w.finish()
}

type saslOutcome struct {
	Code           uint8
	AdditionalData []byte
}

func (f *saslOutcome) appendTo(buf []byte) ([]byte, error) {
	w := newListWriter(buf, descSASLOutcome)
	w.buf = append(w.buf, codeUbyte, f.Code)
	w.mark(true)
	w.binary(f.AdditionalData)
	return w.finish()
}

// decodePerformative builds the frame struct from a described list.
func decodePerformative(code uint64, val any) (performative, error) {
	r, err := newFieldReader(val, performativeName(code))
	if err != nil {
		return nil, err
	}
	var p performative
	switch code {
	case descOpen:
		if r.get(0) == nil {
			return nil, fmt.Errorf("amqp: open without container-id")
		}
		f := &openFrame{
			ContainerID:         r.str(0),
			Hostname:            r.str(1),
			MaxFrameSize:        r.uint(2, 0xffffffff),
			IdleTimeout:         r.uint(4, 0),
			OfferedCapabilities: r.syms(7),
			DesiredCapabilities: r.syms(8),
			Properties:          r.mapv(9),
		}
		f.ChannelMax = 0xffff
		if c := r.ushortp(3); c != nil {
			f.ChannelMax = *c
		}
		p = f
	case descBegin:
		p = &beginFrame{
			RemoteChannel:       r.ushortp(0),
			NextOutgoingID:      r.uint(1, 0),
			IncomingWindow:      r.uint(2, 0),
			OutgoingWindow:      r.uint(3, 0),
			HandleMax:           r.uint(4, 0xffffffff),
			OfferedCapabilities: r.syms(5),
			DesiredCapabilities: r.syms(6),
			Properties:          r.mapv(7),
		}
	case descAttach:
		if r.get(0) == nil || r.get(1) == nil || r.get(2) == nil {
			return nil, fmt.Errorf("amqp: attach without name, handle or role")
		}
		p = &attachFrame{
			Name:                 r.str(0),
			Handle:               r.uint(1, 0),
			Role:                 Role(r.bool(2)),
			SndSettleMode:        r.ubytep(3),
			RcvSettleMode:        r.ubytep(4),
			Source:               terminusSource(&r, 5),
			Target:               terminusTarget(&r, 6),
			Unsettled:            r.mapv(7),
			IncompleteUnsettled:  r.bool(8),
			InitialDeliveryCount: r.uintp(9),
			MaxMessageSize:       r.ulong(10),
			OfferedCapabilities:  r.syms(11),
			DesiredCapabilities:  r.syms(12),
			Properties:           r.mapv(13),
		}
	case descFlow:
		p = &flowFrame{
			NextIncomingID: r.uintp(0),
			IncomingWindow: r.uint(1, 0),
			NextOutgoingID: r.uint(2, 0),
			OutgoingWindow: r.uint(3, 0),
			Handle:         r.uintp(4),
			DeliveryCount:  r.uintp(5),
			LinkCredit:     r.uintp(6),
			Available:      r.uintp(7),
			Drain:          r.bool(8),
			Echo:           r.bool(9),
			Properties:     r.mapv(10),
		}
	case descTransfer:
		if r.get(0) == nil {
			return nil, fmt.Errorf("amqp: transfer without handle")
		}
		p = &transferFrame{
			Handle:        r.uint(0, 0),
			DeliveryID:    r.uintp(1),
			DeliveryTag:   r.binary(2),
			MessageFormat: r.uintp(3),
			Settled:       r.bool(4),
			More:          r.bool(5),
			RcvSettleMode: r.ubytep(6),
			State:         r.state(7),
			Resume:        r.bool(8),
			Aborted:       r.bool(9),
			Batchable:     r.bool(10),
		}
	case descDisposition:
		if r.get(1) == nil {
			return nil, fmt.Errorf("amqp: disposition without first")
		}
		p = &dispositionFrame{
			Role:      Role(r.bool(0)),
			First:     r.uint(1, 0),
			Last:      r.uintp(2),
			Settled:   r.bool(3),
			State:     r.state(4),
			Batchable: r.bool(5),
		}
	case descDetach:
		if r.get(0) == nil {
			return nil, fmt.Errorf("amqp: detach without handle")
		}
		p = &detachFrame{Handle: r.uint(0, 0), Closed: r.bool(1), Error: r.errorv(2)}
	case descEnd:
		p = &endFrame{Error: r.errorv(0)}
	case descClose:
		p = &closeFrame{Error: r.errorv(0)}
	case descSASLMechanisms:
		p = &saslMechanisms{Mechanisms: r.syms(0)}
	case descSASLInit:
		p = &saslInit{Mechanism: r.sym(0), InitialResponse: r.binary(1), Hostname: r.str(2)}
	case descSASLChallenge:
		p = &saslChallenge{Challenge: r.binary(0)}
	case descSASLResponse:
		p = &saslResponse{Response: r.binary(0)}
	case descSASLOutcome:
		c := r.ubytep(0)
		if c == nil {
			return nil, fmt.Errorf("amqp: sasl-outcome without code")
		}
		p = &saslOutcome{Code: *c, AdditionalData: r.binary(1)}
	default:
		return nil, fmt.Errorf("amqp: unknown performative 0x%02x", code)
	}
	return p, r.err
}

// terminusSource reads a source field; a described terminus of another kind
// (which this broker does not support) becomes an empty source so the
// handler can refuse the link instead of the connection failing.
func terminusSource(r *fieldReader, i int) *Source {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case *Source:
		return v
	case Described:
		return &Source{}
	default:
		r.fail(i, v, "source")
		return nil
	}
}

func terminusTarget(r *fieldReader, i int) *Target {
	switch v := r.get(i).(type) {
	case nil:
		return nil
	case *Target:
		return v
	case Described:
		return &Target{}
	default:
		r.fail(i, v, "target")
		return nil
	}
}

func performativeName(code uint64) string {
	switch code {
	case descOpen:
		return "open"
	case descBegin:
		return "begin"
	case descAttach:
		return "attach"
	case descFlow:
		return "flow"
	case descTransfer:
		return "transfer"
	case descDisposition:
		return "disposition"
	case descDetach:
		return "detach"
	case descEnd:
		return "end"
	case descClose:
		return "close"
	}
	return "sasl frame"
}
