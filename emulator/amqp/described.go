package amqp

import "fmt"

// fromDescribed turns a described value with a known descriptor into its Go
// struct. known is false for descriptors that stay generic (message sections
// and anything unknown).
func fromDescribed(code uint64, val any) (v any, known bool, err error) {
	switch code {
	case descError:
		e, err := decodeError(val)
		return e, true, err
	case descReceived, descAccepted, descRejected, descReleased, descModified:
		s, err := decodeState(code, val)
		return s, true, err
	case descSource:
		s, err := decodeSource(val)
		return s, true, err
	case descTarget:
		t, err := decodeTarget(val)
		return t, true, err
	case descOpen, descBegin, descAttach, descFlow, descTransfer, descDisposition,
		descDetach, descEnd, descClose,
		descSASLMechanisms, descSASLInit, descSASLChallenge, descSASLResponse, descSASLOutcome:
		p, err := decodePerformative(code, val)
		return p, true, err
	}
	return nil, false, nil
}

func decodeError(val any) (*Error, error) {
	r, err := newFieldReader(val, "error")
	if err != nil {
		return nil, err
	}
	e := &Error{Condition: r.sym(0), Description: r.str(1), Info: r.mapv(2)}
	return e, r.err
}

func appendError(buf []byte, e *Error, depth int) ([]byte, error) {
	w := newListWriter(buf, descError)
	w.depth = depth
	w.sym(e.Condition)
	w.strOpt(e.Description)
	w.value(e.Info)
	return w.finish()
}

func decodeState(code uint64, val any) (DeliveryState, error) {
	r, err := newFieldReader(val, "delivery-state")
	if err != nil {
		return nil, err
	}
	var s DeliveryState
	switch code {
	case descAccepted:
		s = &Accepted{}
	case descReleased:
		s = &Released{}
	case descRejected:
		s = &Rejected{Error: r.errorv(0)}
	case descModified:
		s = &Modified{DeliveryFailed: r.boolp(0), UndeliverableHere: r.boolp(1), MessageAnnotations: r.mapv(2)}
	case descReceived:
		s = &Received{SectionNumber: r.uint(0, 0), SectionOffset: r.ulong(1)}
	}
	return s, r.err
}

func appendDeliveryState(buf []byte, s DeliveryState, depth int) ([]byte, error) {
	switch s := s.(type) {
	case *Accepted:
		if s == nil {
			return append(buf, codeNull), nil
		}
		w := newListWriter(buf, descAccepted)
		w.depth = depth
		return w.finish()
	case *Released:
		if s == nil {
			return append(buf, codeNull), nil
		}
		w := newListWriter(buf, descReleased)
		w.depth = depth
		return w.finish()
	case *Rejected:
		if s == nil {
			return append(buf, codeNull), nil
		}
		w := newListWriter(buf, descRejected)
		w.depth = depth
		w.value(s.Error)
		return w.finish()
	case *Modified:
		if s == nil {
			return append(buf, codeNull), nil
		}
		w := newListWriter(buf, descModified)
		w.depth = depth
		w.boolp(s.DeliveryFailed)
		w.boolp(s.UndeliverableHere)
		w.value(s.MessageAnnotations)
		return w.finish()
	case *Received:
		if s == nil {
			return append(buf, codeNull), nil
		}
		w := newListWriter(buf, descReceived)
		w.depth = depth
		w.uint(s.SectionNumber)
		w.ulong(s.SectionOffset)
		return w.finish()
	}
	return buf, fmt.Errorf("amqp: cannot encode delivery state %T", s)
}

func decodeSource(val any) (*Source, error) {
	r, err := newFieldReader(val, "source")
	if err != nil {
		return nil, err
	}
	s := &Source{
		Address:      r.str(0),
		Durable:      r.uint(1, 0),
		ExpiryPolicy: r.sym(2),
		Timeout:      r.uint(3, 0),
		Dynamic:      r.bool(4),
		Filter:       r.mapv(7),
		Outcomes:     r.syms(9),
		Capabilities: r.syms(10),
	}
	return s, r.err
}

func appendSource(buf []byte, s *Source, depth int) ([]byte, error) {
	w := newListWriter(buf, descSource)
	w.depth = depth
	w.strOpt(s.Address)
	if s.Durable != 0 {
		w.uint(s.Durable)
	} else {
		w.null()
	}
	w.symOpt(s.ExpiryPolicy)
	if s.Timeout != 0 {
		w.uint(s.Timeout)
	} else {
		w.null()
	}
	w.boolOpt(s.Dynamic)
	w.null() // dynamic-node-properties
	w.null() // distribution-mode
	w.value(s.Filter)
	w.null() // default-outcome
	w.syms(s.Outcomes)
	w.syms(s.Capabilities)
	return w.finish()
}

func decodeTarget(val any) (*Target, error) {
	r, err := newFieldReader(val, "target")
	if err != nil {
		return nil, err
	}
	t := &Target{
		Address:      r.str(0),
		Durable:      r.uint(1, 0),
		ExpiryPolicy: r.sym(2),
		Timeout:      r.uint(3, 0),
		Dynamic:      r.bool(4),
		Capabilities: r.syms(6),
	}
	return t, r.err
}

func appendTarget(buf []byte, t *Target, depth int) ([]byte, error) {
	w := newListWriter(buf, descTarget)
	w.depth = depth
	w.strOpt(t.Address)
	if t.Durable != 0 {
		w.uint(t.Durable)
	} else {
		w.null()
	}
	w.symOpt(t.ExpiryPolicy)
	if t.Timeout != 0 {
		w.uint(t.Timeout)
	} else {
		w.null()
	}
	w.boolOpt(t.Dynamic)
	w.null() // dynamic-node-properties
	w.syms(t.Capabilities)
	return w.finish()
}
