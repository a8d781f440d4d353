package decode

import (
	"fmt"
	"strings"
)

// Mode selects how Decode renders a body.
type Mode int

const (
	// Auto detects the format layer by layer (see the package documentation).
	Auto Mode = iota
	// Text peels binary wrappers (compression, UTF-16) and shows the text as is.
	Text
	// JSON peels wrappers (including base64) and pretty-prints JSON.
	JSON
	// XML peels wrappers and pretty-prints XML or .NET binary XML.
	XML
	// Hex dumps the body bytes exactly as received.
	Hex
	// Raw shows the body bytes as UTF-8 with nothing decoded (still sanitised).
	Raw
)

var modeNames = [...]string{"auto", "text", "json", "xml", "hex", "raw"}

// String returns the lower-case mode name ("auto", "json", …).
func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// Next returns the following mode in the cycle auto → text → json → xml →
// hex → raw → auto, for a key that cycles views.
func (m Mode) Next() Mode {
	if m < 0 || int(m) >= len(modeNames)-1 {
		return Auto
	}
	return m + 1
}

// ParseMode maps a mode name (case-insensitive) to a Mode.
func ParseMode(s string) (Mode, bool) {
	for i, n := range modeNames {
		if strings.EqualFold(s, n) {
			return Mode(i), true
		}
	}
	return Auto, false
}

// Input is a message body as the SDK exposes it.
type Input struct {
	Body        []byte
	ContentType string         // may be empty or wrong
	Properties  map[string]any // application properties (CloudEvents binary mode, Content-Encoding)

	// Non-data AMQP bodies (RawAMQPMessage.Body.Value / .Sequence).
	AMQPValue    any
	AMQPSequence [][]any
	HasValue     bool
	HasSequence  bool
}

// Options tune Decode. Zero values mean the defaults.
type Options struct {
	Mode     Mode
	MaxBytes int // rendered output cap; default 1 MiB
	MaxDepth int // nested layers (base64 → gzip → …); default 4
	Width    int // terminal width, used to size hex dump lines; default 80
}

// Defaults for Options.
const (
	DefaultMaxBytes = 1 << 20
	DefaultMaxDepth = 4
	DefaultWidth    = 80
)

func (o Options) normalized() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.Width <= 0 {
		o.Width = DefaultWidth
	}
	if o.Mode < Auto || o.Mode > Raw {
		o.Mode = Auto
	}
	return o
}

// Result is a rendered body.
type Result struct {
	Kind      string   // final format: "json", "xml", "nbfx", "text", "hex", "raw", "protobuf", "cloudevent", "amqp-value", "amqp-sequence", "empty"
	Chain     []string // every layer, outermost first, e.g. ["base64", "gzip", "json"]
	Why       string   // why each layer was chosen
	Text      string   // rendered and sanitised; safe to print
	Truncated bool     // output or input was capped
	Note      string   // what was capped, e.g. "showing the first 1 MiB of the rendering (body 20 MiB)"
	Warnings  []string // e.g. a content type that does not match the body
}

var kindLabels = map[string]string{
	"json": "JSON", "xml": "XML", "nbfx": ".NET binary XML", "text": "text",
	"hex": "hex", "raw": "raw", "protobuf": "protobuf", "cloudevent": "CloudEvent",
	"amqp-value": "AMQP value", "amqp-sequence": "AMQP sequence", "empty": "empty",
	"gzip": "gzip", "zlib": "zlib", "deflate": "deflate", "base64": "base64",
	"utf-16le": "UTF-16LE", "utf-16be": "UTF-16BE",
}

// Label returns a human name for a kind ("JSON", ".NET binary XML", …).
func Label(kind string) string {
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return kind
}

// Describe joins the chain for a status line: "base64 → gzip → JSON".
func (r Result) Describe() string {
	parts := make([]string, len(r.Chain))
	for i, k := range r.Chain {
		parts[i] = Label(k)
	}
	return strings.Join(parts, " → ")
}

// panicSafetyNet turns an unexpected panic into a hex dump with a warning.
// Tests switch it off so that fuzzing finds the panic instead of hiding it.
var panicSafetyNet = true

// Decode detects and renders a body. It never fails: anything it cannot
// interpret is shown as a hex dump, with warnings saying why.
func Decode(in Input, opts Options) (res Result) {
	opts = opts.normalized()
	if panicSafetyNet {
		defer func() {
			if r := recover(); r != nil {
				res = hexOnly(in.Body, opts)
				res.Warnings = append(res.Warnings, SanitizeLine(fmt.Sprintf("internal decoder error (%v); showing the bytes", r)))
			}
		}()
	}
	d := newDecoder(opts, in)
	d.run(in)
	return d.result()
}

func hexOnly(b []byte, opts Options) Result {
	d := newDecoder(opts, Input{})
	d.addWhy("hex view")
	d.renderHex(b)
	return d.result()
}
