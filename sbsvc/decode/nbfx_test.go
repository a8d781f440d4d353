package decode

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"
)

const serNS = "http://schemas.microsoft.com/2003/10/Serialization/"

// spec example from MC-NBFS section 3: a SOAP envelope with dictionary names.
var nbfsEnvelope = cat(0x56, 0x02, 0x0B, 0x01, "a", 0x06, 0x0B, 0x01, "s", 0x04,
	0x56, 0x08, 0x44, 0x0A, 0x1E, 0x00, 0x82, 0x99, 0x06, "action", 0x01,
	0x56, 0x0E, 0x40, 0x09, "Inventory", 0x81, 0x01, 0x01)

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

var guidBytes = cat(0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff)

func dateTicks(t time.Time) uint64 {
	return uint64(t.Unix()+epochSeconds)*ticksPerSecond + uint64(t.Nanosecond()/100)
}

func TestNBFXDocuments(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"soap envelope (MC-NBFS example)", nbfsEnvelope, `<s:Envelope xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope">
  <s:Header>
    <a:Action s:mustUnderstand="1">action</a:Action>
  </s:Header>
  <s:Body>
    <Inventory>0</Inventory>
  </s:Body>
</s:Envelope>`},
		{"string element in another namespace stays XML", cat(0x40, 0x06, "string", 0x08, 0x0A, "http://abc", 0x99, 0x05, "Hello"),
			`<string xmlns="http://abc">Hello</string>`},
		{"element record", cat(0x41, 0x03, "pre", 0x03, "doc", 0x09, 0x03, "pre", 0x0A, "http://abc", 0x01),
			`<pre:doc xmlns:pre="http://abc"/>`},
		{"short dictionary element", cat(0x42, 0x0E, 0x01), `<Body/>`},
		{"dictionary element", cat(0x43, 0x03, "pre", 0x0E, 0x09, 0x03, "pre", 0x0A, "http://abc", 0x01), `<pre:Body xmlns:pre="http://abc"/>`},
		{"prefix dictionary element a", cat(0x44, 0x0A, 0x09, 0x01, "a", 0x0A, "http://abc", 0x01), `<a:Action xmlns:a="http://abc"/>`},
		{"prefix element s", cat(0x70, 0x09, "MyMessage", 0x09, 0x01, "s", 0x0A, "http://abc", 0x01), `<s:MyMessage xmlns:s="http://abc"/>`},
		{"comment", cat(0x40, 0x03, "doc", 0x02, 0x07, "comment", 0x01), "<doc>\n  <!--comment-->\n</doc>"},
		{"short attribute", cat(0x40, 0x03, "doc", 0x04, 0x04, "attr", 0x84, 0x01), `<doc attr="false"/>`},
		{"attribute", cat(0x40, 0x03, "doc", 0x09, 0x03, "pre", 0x0A, "http://abc", 0x05, 0x03, "pre", 0x04, "attr", 0x84, 0x01),
			`<doc xmlns:pre="http://abc" pre:attr="false"/>`},
		{"short dictionary attribute", cat(0x40, 0x03, "doc", 0x06, 0x08, 0x86, 0x01), `<doc Header="true"/>`},
		{"dictionary attribute", cat(0x40, 0x03, "doc", 0x07, 0x03, "pre", 0x00, 0x86, 0x01), `<doc pre:mustUnderstand="true"/>`},
		{"short xmlns", cat(0x40, 0x03, "doc", 0x08, 0x0A, "http://abc", 0x01), `<doc xmlns="http://abc"/>`},
		{"short dictionary xmlns", cat(0x40, 0x03, "doc", 0x0A, 0x04, 0x01), `<doc xmlns="http://www.w3.org/2003/05/soap-envelope"/>`},
		{"dictionary xmlns", cat(0x40, 0x03, "doc", 0x0B, 0x01, "p", 0x04, 0x01), `<doc xmlns:p="http://www.w3.org/2003/05/soap-envelope"/>`},
		{"prefix dictionary attribute f", cat(0x40, 0x03, "doc", 0x11, 0x0B, 0x98, 0x05, "hello", 0x01), `<doc f:dict:11="hello"/>`},
		{"prefix attribute k", cat(0x40, 0x03, "doc", 0x30, 0x04, "attr", 0x86, 0x01), `<doc k:attr="true"/>`},
		{"attribute escaping", cat(0x40, 0x01, "d", 0x04, 0x01, "q", 0x98, 0x04, `"<&>`, 0x98, 0x03, "a<b", 0x01), `<d q="&quot;&lt;&amp;&gt;">a&lt;b</d>`},
		{"array of int16 (MC-NBFX example)", cat(0x03, 0x40, 0x03, "arr", 0x01, 0x8B, 0x03, 0x33, 0x33, 0x88, 0x88, 0xDD, 0xDD),
			"<arr>13107</arr>\n<arr>-30584</arr>\n<arr>-8739</arr>"},
		{"unknown and session dictionary ids", cat(0x42, 0x80, 0x0A, 0xAB, 0x05), `<dict:1280>dict:5</dict:1280>`},
		{"nested and text then element", cat(0x40, 0x01, "a", 0x98, 0x02, "hi", 0x40, 0x01, "b", 0x01, 0x01), "<a>\n  hi\n  <b/>\n</a>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Decode(Input{Body: tt.body}, Options{})
			if r.Kind != "nbfx" {
				t.Fatalf("kind %q (why %s; warnings %v)", r.Kind, r.Why, r.Warnings)
			}
			if r.Text != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", r.Text, tt.want)
			}
			if len(r.Warnings) != 0 {
				t.Fatalf("warnings %v", r.Warnings)
			}
		})
	}
}

// Every text record type, each inside <v>…</v> using the WithEndElement form.
func TestNBFXTextRecords(t *testing.T) {
	when := time.Date(2024, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	dec := cat(0, 0, 6, 0, le32(0), le64(5123456))
	ninety := int64(-90 * ticksPerSecond)
	negTicks := uint64(ninety)
	negDec := cat(0, 0, 2, 0x80, le32(0), le64(150))
	tests := []struct {
		name   string
		record []byte
		want   string
	}{
		{"zero", cat(0x81), "0"},
		{"one", cat(0x83), "1"},
		{"false", cat(0x85), "false"},
		{"true", cat(0x87), "true"},
		{"int8", cat(0x89, 0xff), "-1"},
		{"int16", cat(0x8B, le16(0x3333)), "13107"},
		{"int32", cat(0x8D, le32(0xfffffffe)), "-2"},
		{"int64", cat(0x8F, le64(1<<63)), "-9223372036854775808"},
		{"float", cat(0x91, le32(0x3F8CCCCD)), "1.1"},
		{"float inf", cat(0x91, le32(math.Float32bits(float32(math.Inf(-1))))), "-INF"},
		{"double", cat(0x93, le64(math.Float64bits(math.E))), "2.718281828459045"},
		{"double nan", cat(0x93, le64(math.Float64bits(math.NaN()))), "NaN"},
		{"decimal", cat(0x95, dec), "5.123456"},
		{"negative decimal", cat(0x95, negDec), "-1.5"},
		{"datetime utc", cat(0x97, le64(dateTicks(when)|1<<62)), "2024-01-02T03:04:05.5Z"},
		{"date only", cat(0x97, le64(dateTicks(time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)))), "1999-12-31"},
		{"chars8", cat(0x99, 0x03, "abc"), "abc"},
		{"chars16", cat(0x9B, le16(3), "hé"), "hé"},
		{"chars32", cat(0x9D, le32(4), "xyz!"), "xyz!"},
		{"bytes8", cat(0x9F, 0x03, 0x01, 0x02, 0x03), "AQID"},
		{"bytes16", cat(0xA1, le16(1), 0xff), "/w=="},
		{"bytes32", cat(0xA3, le32(2), 0xff, 0xee), "/+4="},
		{"empty", cat(0xA9), ""},
		{"dictionary", cat(0xAB, 0x02), "Envelope"},
		{"dictionary two-byte id", cat(0xAB, 0x8E, 0x07), "float"},
		{"unique id", cat(0xAD, guidBytes), "urn:uuid:33221100-5544-7766-8899-aabbccddeeff"},
		{"timespan", cat(0xAF, le64(uint64((86400+7384)*ticksPerSecond+5_000_000))), "1.02:03:04.5"},
		{"negative timespan", cat(0xAF, le64(negTicks)), "-00:01:30"},
		{"uuid", cat(0xB1, guidBytes), "33221100-5544-7766-8899-aabbccddeeff"},
		{"uint64", cat(0xB3, le64(math.MaxUint64)), "18446744073709551615"},
		{"bool", cat(0xB5, 0x01), "true"},
		{"unicode chars8", cat(0xB7, 0x06, 0x41, 0, 0x42, 0, 0x43, 0), "ABC"},
		{"unicode chars16", cat(0xB9, le16(4), 0x3b, 0x6c, 0x2c, 0x67), "氻本"},
		{"unicode chars32", cat(0xBB, 0x02, 0x7a, 0x00), "z"},
		{"qname dictionary", cat(0xBD, 0x01, 0x02), "b:Envelope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := cat(0x40, 0x01, "v", tt.record)
			r := Decode(Input{Body: body}, Options{})
			want := "<v>" + tt.want + "</v>"
			if tt.want == "" {
				want = "<v/>"
			}
			if r.Kind != "nbfx" || r.Text != want {
				t.Fatalf("kind %q text %q, want %q (warnings %v)", r.Kind, r.Text, want, r.Warnings)
			}
		})
	}
	// A list of text records, and the same records as attribute values.
	list := cat(0x40, 0x01, "v", 0x04, 0x01, "n", 0x8C, le32(7), 0xA4, 0x86, 0x84, 0x80, 0x82, 0xA6, 0x01)
	r := Decode(Input{Body: list}, Options{})
	if r.Text != `<v n="7">true false 0 1</v>` {
		t.Fatalf("list: %q", r.Text)
	}
}

func TestNBFXDamaged(t *testing.T) {
	// Cut in the middle of the second element: what decoded is shown, with a warning.
	body := cat(0x40, 0x04, "root", 0x40, 0x01, "a", 0x99, 0x02, "ok", 0x40, 0x01, "b", 0x99, 0x09, "cut")
	r := Decode(Input{Body: body, ContentType: "application/msbin1"}, Options{})
	if r.Kind != "nbfx" || !strings.Contains(r.Text, "<a>ok</a>") || !hasWarning(r, "damaged") {
		t.Fatalf("kind %q text %q warnings %v", r.Kind, r.Text, r.Warnings)
	}
	// Not binary XML at all, though it starts with an element byte: text.
	r = Decode(Input{Body: []byte("Hello, world")}, Options{})
	if r.Kind != "text" {
		t.Fatalf("plain text taken for %s", r.Kind)
	}
	// Hostile text in binary XML comes out inert.
	for _, h := range hostile {
		b := cat(0x40, 0x01, "v", 0x04, 0x01, "a", 0x98, len(h), h, 0x99, len(h), h)
		r := Decode(Input{Body: b, ContentType: "application/msbin1"}, Options{})
		if r.Kind != "nbfx" {
			t.Fatalf("%q: kind %s", h, r.Kind)
		}
		assertInert(t, "nbfx", r.Text, false)
	}
}

func TestNBFXSession(t *testing.T) {
	// MC-NBFSE: a string table ("Order", "Id") then records using odd ids 1 and 3.
	table := cat(0x05, "Order", 0x02, "Id")
	body := cat(len(table), table, 0x42, 0x01, 0x06, 0x03, 0x88, 0x05, 0x01)
	r := Decode(Input{Body: body, ContentType: "application/soap+msbinsession1"}, Options{})
	if r.Kind != "nbfx" || r.Text != `<Order Id="5"/>` {
		t.Fatalf("kind %q text %q why %s warnings %v", r.Kind, r.Text, r.Why, r.Warnings)
	}
}

func TestNBFSDictionary(t *testing.T) {
	for id, want := range map[uint32]string{
		0x00: "mustUnderstand", 0x84: "s", 0xB6: "a", 0x100: "BadContextToken", 0x102: "c",
		0x372: "http://www.w3.org/2001/XMLSchema-instance", 0x396: "string", 0x3CC: "detail",
		0x256: "xmlns", 0xA2: "dict:162", 0x104: "dict:260", 0x3CE: "dict:974",
	} {
		if got := nbfsString(id, nil); got != want {
			t.Errorf("id 0x%x: %q, want %q", id, got, want)
		}
	}
}

// A BrokeredMessage whose body was a .NET string: the XML wrapper is peeled
// and its text detected again, as the chain says.
func TestNBFXSerializedStringIsUnwrapped(t *testing.T) {
	json := `{"customerId":"c-100","name":"a<b"}`
	tests := []struct {
		name, body, kind, chain, want string
	}{
		{"text", "Hello", "text", ".NET binary XML → string → text", "Hello"},
		{"json", json, "json", ".NET binary XML → string → JSON", "{\n  \"customerId\": \"c-100\",\n  \"name\": \"a<b\"\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := cat(0x40, 0x06, "string", 0x08, len(serNS), serNS, 0x99, len(tt.body), tt.body)
			r := Decode(Input{Body: body, ContentType: "application/msbin1"}, Options{})
			if r.Kind != tt.kind || r.Describe() != tt.chain || r.Text != tt.want {
				t.Fatalf("kind %q chain %q text\n%s\n(why %s)", r.Kind, r.Describe(), r.Text, r.Why)
			}
			if len(r.Warnings) != 0 {
				t.Fatalf("a msbin1 body that is a serialized string got warnings %v", r.Warnings)
			}
			// The XML view still shows the document itself.
			if x := Decode(Input{Body: body}, Options{Mode: XML}); !strings.HasPrefix(x.Text, "<string xmlns=") {
				t.Fatalf("XML view: %q", x.Text)
			}
		})
	}
}
