package amqp

import (
	"reflect"
	"testing"
)

// genericDisposition decodes b with the generic decoder only.
func genericDisposition(b []byte) (performative, error) {
	v, n, err := decodeValue(b, 0)
	if err != nil {
		return nil, err
	}
	if n != len(b) {
		return nil, errFraming
	}
	p, _ := v.(performative)
	return p, nil
}

// dispositionEncodings are dispositions as our encoder writes them and as
// other encoders may (list32, other uint widths, explicit bool, nulls).
func dispositionEncodings(t testing.TB) map[string][]byte {
	last := uint32(70000)
	enc := func(f dispositionFrame) []byte {
		b, err := f.appendTo(nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return map[string][]byte{
		"accepted settled":   enc(dispositionFrame{Role: RoleReceiver, First: 7, Settled: true, State: &Accepted{}}),
		"released range":     enc(dispositionFrame{Role: RoleSender, First: 300, Last: &last, Settled: true, State: &Released{}}),
		"no state":           enc(dispositionFrame{Role: RoleReceiver, First: 0}),
		"batchable":          enc(dispositionFrame{Role: RoleReceiver, First: 1, State: &Accepted{}, Batchable: true}),
		"rejected (generic)": enc(dispositionFrame{Role: RoleReceiver, First: 1, State: &Rejected{Error: &Error{Condition: ErrInternal}}}),
		"modified (generic)": enc(dispositionFrame{Role: RoleReceiver, First: 1, State: &Modified{}}),
		// list32, uint, explicit bool encodings, accepted with list8.
		"list32": {0x00, 0x53, 0x15, 0xd0, 0, 0, 0, 19, 0, 0, 0, 5,
			0x56, 0x01, 0x70, 0, 0, 1, 2, 0x40, 0x41, 0x00, 0x53, 0x24, 0xc0, 0x01, 0x00},
		"uint0 and null last": {0x00, 0x53, 0x15, 0xc0, 0x0a, 0x06, 0x42, 0x43, 0x40, 0x42, 0x00, 0x53, 0x26, 0x45, 0x40},
		"accepted list32":     {0x00, 0x53, 0x15, 0xc0, 0x12, 0x05, 0x41, 0x52, 0x09, 0x40, 0x41, 0x00, 0x53, 0x24, 0xd0, 0, 0, 0, 4, 0, 0, 0, 0},
		"no first":            {0x00, 0x53, 0x15, 0x45},
		"null first":          {0x00, 0x53, 0x15, 0xc0, 0x03, 0x02, 0x41, 0x40},
		"trailing byte":       {0x00, 0x53, 0x15, 0xc0, 0x04, 0x02, 0x41, 0x43, 0x40},
		"short list":          {0x00, 0x53, 0x15, 0xc0, 0x09, 0x02, 0x41},
		"bool out of range":   {0x00, 0x53, 0x15, 0xc0, 0x04, 0x02, 0x56, 0x07, 0x43},
		"symbolic descriptor": append([]byte{0x00, 0xa3, 21}, append([]byte("amqp:disposition:list"), 0xc0, 0x03, 0x02, 0x41, 0x43)...),
	}
}

// Wherever the fast decoder takes a disposition it decodes it exactly as the
// generic decoder does, and the frames our own encoder writes for accepted
// and released outcomes do take the fast path.
func TestDispositionFastMatchesGeneric(t *testing.T) {
	mustBeFast := map[string]bool{"accepted settled": true, "released range": true, "no state": true, "batchable": true,
		"list32": true, "uint0 and null last": true, "accepted list32": true}
	for name, b := range dispositionEncodings(t) {
		fast, ok := decodeDispositionFast(b, nil)
		if mustBeFast[name] && !ok {
			t.Errorf("%s: the fast decoder passed on a common disposition", name)
		}
		if !ok {
			continue
		}
		generic, err := genericDisposition(b)
		if err != nil {
			t.Errorf("%s: the fast decoder took a frame the generic one refuses (%v)", name, err)
			continue
		}
		if !reflect.DeepEqual(performative(fast), generic) {
			t.Errorf("%s: fast %#v, generic %#v", name, fast, generic)
		}
	}
}

// The reader decodes every disposition into the same memory: nothing of
// the frame before (a range's last id, settled, a state) shows through in
// the next.
func TestDispositionFastReusedScratch(t *testing.T) {
	encodings := dispositionEncodings(t)
	full := encodings["released range"] // a range, settled, with a state
	var scratch dispositionScratch
	for name, b := range encodings {
		if _, ok := decodeDispositionFast(full, &scratch); !ok {
			t.Fatal("the full disposition took the slow path")
		}
		want, ok := decodeDispositionFast(b, nil)
		got, gotOK := decodeDispositionFast(b, &scratch)
		if ok != gotOK {
			t.Fatalf("%s: fast path %v into new memory, %v into used memory", name, ok, gotOK)
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: into used memory %#v, into new memory %#v", name, got, want)
		}
	}
}

func FuzzDispositionFast(f *testing.F) {
	for _, b := range dispositionEncodings(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := decodeDispositionFast(b, nil)
		if !ok {
			return
		}
		generic, err := genericDisposition(b)
		if err != nil {
			t.Fatalf("fast decoder took %x, which the generic one refuses: %v", b, err)
		}
		if !reflect.DeepEqual(performative(fast), generic) {
			t.Fatalf("%x: fast %#v, generic %#v", b, fast, generic)
		}
	})
}
