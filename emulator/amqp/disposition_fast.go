package amqp

import "encoding/binary"

// A receive-and-complete loop sends one disposition per message, and the
// generic decoder builds a value tree for each (every field boxed, then
// copied into the frame struct): a good part of the emulator's CPU per
// settlement. decodeDispositionFast reads the common form straight into a
// dispositionFrame: the small-ulong descriptor, the list with fixed-width
// bool and uint fields, and an accepted or released outcome with no fields.
// Anything else (a symbolic descriptor, another outcome, an odd encoding, a
// malformed frame) makes it report !ok, and the generic decoder, which also
// produces the errors, takes over: it must never decode a frame differently
// (see TestDispositionFastMatchesGeneric and its fuzz target).
//
// The frame is decoded into into (new memory when nil): the reader passes
// its own, as it handles each frame before it reads the next, so that
// decoding a disposition allocates nothing.
func decodeDispositionFast(b []byte, into *dispositionScratch) (*dispositionFrame, bool) {
	if len(b) < 4 || b[0] != codeDescribed || b[1] != codeSmallUlong || b[2] != byte(descDisposition) {
		return nil, false
	}
	fields, count, ok := listBody(b[3:])
	if !ok || count < 2 {
		return nil, false // no first: the generic decoder says so
	}
	if into == nil {
		into = new(dispositionScratch)
	}
	f := &into.frame
	*f = dispositionFrame{}
	for i := range count {
		var n int
		switch i {
		case 0:
			var role bool
			role, n, ok = fastBool(fields)
			f.Role = Role(role)
		case 1:
			var first uint32
			var null bool
			first, null, n, ok = fastUint(fields)
			ok = ok && !null
			f.First = first
		case 2:
			var null bool
			into.last, null, n, ok = fastUint(fields)
			if ok && !null {
				f.Last = &into.last
			}
		case 3:
			f.Settled, n, ok = fastBool(fields)
		case 4:
			f.State, n, ok = fastSimpleState(fields)
		case 5:
			f.Batchable, n, ok = fastBool(fields)
		default:
			return nil, false // fields beyond the spec's
		}
		if !ok {
			return nil, false
		}
		fields = fields[n:]
	}
	if len(fields) != 0 {
		return nil, false
	}
	return f, true
}

// dispositionScratch is memory a disposition is decoded into.
type dispositionScratch struct {
	frame dispositionFrame
	last  uint32
}

// listBody returns the encoded elements of the list at the start of b and
// their count; b must hold exactly that list.
func listBody(b []byte) (elems []byte, count int, ok bool) {
	switch {
	case len(b) >= 3 && b[0] == codeList8:
		size := int(b[1])
		if size < 1 || len(b) != 2+size {
			return nil, 0, false
		}
		return b[3:], int(b[2]), true
	case len(b) >= 9 && b[0] == codeList32:
		size := binary.BigEndian.Uint32(b[1:])
		if size < 4 || uint64(len(b)) != 5+uint64(size) {
			return nil, 0, false
		}
		count := binary.BigEndian.Uint32(b[5:])
		if count > uint32(len(b)) {
			return nil, 0, false
		}
		return b[9:], int(count), true
	}
	return nil, 0, false
}

// fastBool reads a bool or null (false) field.
func fastBool(b []byte) (v bool, n int, ok bool) {
	switch {
	case len(b) == 0:
		return false, 0, false
	case b[0] == codeNull || b[0] == codeBoolFalse:
		return false, 1, true
	case b[0] == codeBoolTrue:
		return true, 1, true
	case b[0] == codeBool && len(b) >= 2 && b[1] <= 1:
		return b[1] == 1, 2, true
	}
	return false, 0, false
}

// fastUint reads a uint or null field.
func fastUint(b []byte) (v uint32, null bool, n int, ok bool) {
	switch {
	case len(b) == 0:
		return 0, false, 0, false
	case b[0] == codeNull:
		return 0, true, 1, true
	case b[0] == codeUint0:
		return 0, false, 1, true
	case b[0] == codeSmallUint && len(b) >= 2:
		return uint32(b[1]), false, 2, true
	case b[0] == codeUint && len(b) >= 5:
		return binary.BigEndian.Uint32(b[1:]), false, 5, true
	}
	return 0, false, 0, false
}

// fastSimpleState reads a null, accepted or released outcome whose list is
// empty.
func fastSimpleState(b []byte) (s DeliveryState, n int, ok bool) {
	if len(b) >= 1 && b[0] == codeNull {
		return nil, 1, true
	}
	if len(b) < 4 || b[0] != codeDescribed || b[1] != codeSmallUlong {
		return nil, 0, false
	}
	switch uint64(b[2]) {
	case descAccepted:
		s = &Accepted{}
	case descReleased:
		s = &Released{}
	default:
		return nil, 0, false
	}
	switch {
	case b[3] == codeList0:
		return s, 4, true
	case len(b) >= 6 && b[3] == codeList8 && b[4] == 1 && b[5] == 0:
		return s, 6, true
	case len(b) >= 12 && b[3] == codeList32 && binary.BigEndian.Uint32(b[4:]) == 4 && binary.BigEndian.Uint32(b[8:]) == 0:
		return s, 12, true
	}
	return nil, 0, false
}
