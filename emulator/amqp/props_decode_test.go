package amqp

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

// The direct properties decoder agrees with decoding the list as a value
// and reading it, for every list shape and for bad fields.
func TestDecodePropertiesAtMatchesGeneralPath(t *testing.T) {
	subject, group := "s", "g"
	when := time.UnixMilli(1_700_000_000_000).UTC()
	full, err := EncodeMessage(&Message{Properties: &Properties{MessageID: "id", Subject: &subject,
		GroupID: &group, CreationTime: &when, CorrelationID: uint64(9)}})
	if err != nil {
		t.Fatal(err)
	}
	descLen := 3 // 0x00 0x53 0x73
	fourteen := []byte{codeList8, 15, 14}
	for range 14 {
		fourteen = append(fourteen, codeNull)
	}
	fourteen[3] = codeUlong0 // message id 0
	cases := map[string][]byte{
		"encoded":            full[descLen:],
		"list0":              {codeList0},
		"list8 one field":    {codeList8, 3, 1, codeUint0},
		"list32 one field":   {codeList32, 0, 0, 0, 5, 0, 0, 0, 1, codeNull},
		"more fields":        fourteen,
		"not a list":         {codeUint0},
		"subject not string": {codeList8, 3, 2, codeNull, codeUint0},
		"size mismatch":      {codeList8, 4, 1, codeNull, codeNull},
		"truncated":          {codeList8, 9, 2, codeNull},
		"empty":              {},
		// Strings and symbols each stand in for the other; other types fail.
		"symbol subject":        list8(4, codeNull, codeNull, codeNull, codeSym8, 1, 'x'),
		"string content type":   list8(7, codeNull, codeNull, codeNull, codeNull, codeNull, codeNull, codeStr8, 1, 'j'),
		"long string reply-to":  list8(5, codeNull, codeNull, codeNull, codeNull, codeStr32, 0, 0, 0, 1, 'r'),
		"binary content type":   list8(7, codeNull, codeNull, codeNull, codeNull, codeNull, codeNull, codeVbin8, 1, 'j'),
		"string user id":        list8(2, codeNull, codeStr8, 1, 'u'),
		"binary user id":        list8(2, codeNull, codeVbin8, 1, 'u'),
		"symbol message id":     list8(1, codeSym8, 1, 'm'),
		"ubyte group sequence":  list8(12, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, codeUbyte, 7),
		"ulong group sequence":  list8(12, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, codeUlong, 1, 0, 0, 0, 0, 0, 0, 0),
		"string timestamp":      list8(9, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, codeStr8, 1, 't'),
		"truncated string":      list8(3, codeNull, codeNull, codeStr8, 9),
		"bad type then garbage": list8(2, codeNull, codeUint0, 0xff),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			var fast Properties
			n, fastErr := decodePropertiesAt(&fast, b)
			var slow Properties
			v, m, slowErr := decodeValue(b, 1)
			if slowErr == nil {
				slowErr = decodePropertiesInto(&slow, v)
			}
			if (fastErr == nil) != (slowErr == nil) {
				t.Fatalf("errors differ: fast %v, general %v", fastErr, slowErr)
			}
			if fastErr != nil {
				return
			}
			if n != m || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("fast %d %+v, general %d %+v", n, fast, m, slow)
			}
		})
	}
}

func TestDecodePropertiesAtReadsFields(t *testing.T) {
	group := "session"
	enc, err := EncodeMessage(&Message{Properties: &Properties{MessageID: "m-1", GroupID: &group}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeMessageRaw(enc)
	if err != nil {
		t.Fatal(err)
	}
	if m.Properties.MessageID != "m-1" || *m.Properties.GroupID != "session" {
		t.Fatalf("decoded %+v", m.Properties)
	}
}

func section(t *testing.T, m *Message) []byte {
	t.Helper()
	b, err := EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// EncodedBare is the contiguous run of bare sections, set only when they
// come last and in order.
func TestEncodedBare(t *testing.T) {
	var data Message
	data.SetBodyData([]byte("body"))
	props := section(t, &Message{Properties: &Properties{MessageID: "x"}})
	app := section(t, &Message{ApplicationProperties: &Map{Pairs: []MapPair{{Key: "k", Value: int32(1)}}}})
	ann := section(t, &Message{MessageAnnotations: &Map{Pairs: []MapPair{{Key: Symbol("a"), Value: "v"}}}})
	footer := section(t, &Message{Footer: section(t, &Message{DeliveryAnnotations: &Map{}})})
	footer = append([]byte{0x00, 0x53, 0x78}, footer[3:]...)
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	cases := []struct {
		name string
		wire []byte
		bare []byte // nil: none
	}{
		{"all in order", join(ann, props, app, data.Body, footer), join(props, app, data.Body, footer)},
		{"body only", join(ann, data.Body), data.Body},
		{"props and body", join(props, data.Body), join(props, data.Body)},
		{"app before props", join(app, props, data.Body), nil},
		{"annotations after props", join(props, ann, data.Body), nil},
		{"footer before body", join(props, footer, data.Body), nil},
		{"annotations only", ann, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := DecodeMessageRaw(c.wire)
			if err != nil {
				if c.bare == nil {
					return // refused outright: nothing to keep either
				}
				t.Fatal(err)
			}
			if !bytes.Equal(m.EncodedBare, c.bare) || (c.bare == nil) != (m.EncodedBare == nil) {
				t.Fatalf("bare %x, want %x", m.EncodedBare, c.bare)
			}
			if c.bare == nil {
				return
			}
			// The documented layout: the sections back to back.
			got := join(m.EncodedProperties, m.EncodedApplicationProperties, m.Body, m.Footer)
			if !bytes.Equal(got, m.EncodedBare) {
				t.Fatalf("sections %x do not make up the bare part %x", got, m.EncodedBare)
			}
		})
	}
	shared, err := DecodeMessageShared(join(props, data.Body))
	if err != nil || shared.EncodedBare != nil {
		t.Fatalf("only the raw decoder keeps the bare part: %v %x", err, shared.EncodedBare)
	}
}

// list8 encodes a list8 of count fields from their encoded bytes.
func list8(count byte, fields ...byte) []byte {
	return append([]byte{codeList8, byte(1 + len(fields)), count}, fields...)
}
