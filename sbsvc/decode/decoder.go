package decode

import (
	"errors"
	"fmt"
	"strings"
)

// decoder carries the state of one Decode call: the output buffer and the
// story (chain, reasons, warnings, notes) told in the Result.
type decoder struct {
	opts       Options
	out        *capBuf
	claim      claim
	media      string // the content type's media type, for messages
	chain      []string
	whys       []string
	warnings   []string
	notes      []string
	kind       string // format of the whole Text
	leaf       string // innermost rendered format
	structured bool   // a structured CloudEvent envelope was rendered
	// dotnetString: the binary XML was a serialized .NET string, whose text
	// was rendered instead (so msbin1 content with a JSON leaf matches).
	dotnetString bool
	layers       int
	inputCut     bool // a layer was cut short (decompression or base64 cap)
	inflateCap   int
}

func newDecoder(opts Options, in Input) *decoder {
	cl, media := classifyContentType(in.ContentType)
	return &decoder{
		opts:       opts,
		out:        newCapBuf(opts.MaxBytes),
		claim:      cl,
		media:      media,
		inflateCap: max(4*opts.MaxBytes, 64<<10),
	}
}

func (d *decoder) warn(format string, args ...any) {
	d.warnings = append(d.warnings, fmt.Sprintf(format, args...))
}

func (d *decoder) note(format string, args ...any) {
	d.notes = append(d.notes, fmt.Sprintf(format, args...))
}

func (d *decoder) addWhy(s string) {
	if s != "" {
		d.whys = append(d.whys, s)
	}
}

// setKind records the final rendered format and closes the chain.
func (d *decoder) setKind(kind string) {
	d.kind = kind
	d.leaf = kind
	d.chain = append(d.chain, kind)
}

func (d *decoder) run(in Input) {
	switch d.opts.Mode {
	case Raw, Hex:
		b, ok := bodyBytes(in)
		if !ok {
			d.note("%s view applies to data bodies; showing the AMQP body", d.opts.Mode)
			break
		}
		if d.opts.Mode == Raw {
			d.addWhy("raw view: the bytes as received, nothing decoded")
			d.renderRaw(b)
		} else {
			d.addWhy("hex view")
			d.renderHex(b)
		}
		return
	}
	switch {
	case in.HasValue:
		d.amqpValue(in.AMQPValue)
		return
	case in.HasSequence:
		d.amqpSequence(in.AMQPSequence)
		return
	}
	if ce := binaryCloudEvent(in.Properties); ce != nil && d.opts.Mode == Auto {
		d.cloudEventBinary(ce, in)
		return
	}
	d.body(in.Body, d.claim, contentEncoding(in.Properties))
}

// bodyBytes returns the bytes a Raw or Hex view shows: the data body, or an
// AMQP value that is itself bytes or a string.
func bodyBytes(in Input) ([]byte, bool) {
	if in.HasValue {
		switch v := in.AMQPValue.(type) {
		case []byte:
			return v, true
		case string:
			return []byte(v), true
		}
		return nil, false
	}
	if in.HasSequence {
		return nil, false
	}
	return in.Body, true
}

// body peels wrapper layers off b and renders what is left.
func (d *decoder) body(b []byte, cl claim, enc string) {
	first := true
	for {
		if d.layers >= d.opts.MaxDepth {
			d.warn("stopped after %d nested layers", d.layers)
			d.addWhy("nesting limit reached")
			d.renderLeaf(layer{kind: "hex"}, b, cl)
			return
		}
		l := detectLayer(b, cl, enc, first, d.opts.Mode)
		first = false
		enc = ""
		d.addWhy(l.why)
		if !l.isWrapper() {
			d.renderLeaf(l, b, cl)
			return
		}
		next, err := d.unwrap(l, b)
		if err != nil {
			d.warn("%s", err)
			d.renderLeaf(layer{kind: fallbackKind(b)}, b, cl)
			return
		}
		d.chain = append(d.chain, l.kind)
		d.layers++
		b = next
	}
}

func fallbackKind(b []byte) string {
	if len(b) > 0 && looksText(b) {
		return "text"
	}
	return "hex"
}

// renderLeaf renders a non-wrapper layer; a renderer that fails rolls its
// output back and the bytes are shown as text or hex with a warning.
func (d *decoder) renderLeaf(l layer, b []byte, cl claim) {
	mark := d.out.len()
	var err error
	switch l.kind {
	case "empty":
		d.setKind("empty")
		return
	case "json":
		if (cl == claimCloudEvents || d.opts.Mode == Auto) && d.structuredCloudEvent(b, cl) {
			return
		}
		err = d.renderJSON(b)
	case "xml":
		err = d.renderXML(b)
	case "nbfx":
		if err = d.renderNBFX(b); err == nil && d.opts.Mode == Auto && d.unwrapDotNetString(mark) {
			return
		}
	case "protobuf":
		err = d.renderProtobuf(b)
	case "text":
		d.renderText(b)
	default:
		d.renderHex(b)
	}
	if err == nil {
		return
	}
	d.out.b = d.out.b[:mark]
	d.out.full = false
	alt := fallbackKind(b)
	d.warn("the body is not valid %s (%s); showing it as %s", Label(l.kind), err, alt)
	if alt == "text" {
		d.renderText(b)
	} else {
		d.renderHex(b)
	}
}

// errOutputFull stops a renderer once the output cap is reached.
var errOutputFull = errors.New("output limit reached")

// claimMatches reports whether the final kind is what the content type said.
func claimMatches(cl claim, kind string) bool {
	switch cl {
	case claimJSON:
		return kind == "json"
	case claimXML:
		return kind == "xml" || kind == "nbfx"
	case claimNBFX:
		return kind == "nbfx"
	case claimProtobuf:
		return kind == "protobuf"
	case claimCloudEvents:
		return kind == "cloudevent"
	case claimText:
		return kind == "text" || kind == "json" || kind == "xml" || kind == "empty" || kind == "cloudevent"
	}
	return true
}

func (d *decoder) result() Result {
	r := Result{
		Kind:  d.kind,
		Chain: d.chain,
		Text:  Sanitize(string(d.out.b)),
	}
	matches := d.structured && (d.claim == claimJSON || d.claim == claimCloudEvents) ||
		claimMatches(d.claim, d.kind) || claimMatches(d.claim, d.leaf) ||
		d.dotnetString && (d.claim == claimNBFX || d.claim == claimXML)
	if d.opts.Mode == Auto && d.leaf != "" && d.leaf != "empty" && !matches {
		d.warn("content type says %s but the body is %s", d.media, Label(d.leaf))
	}
	if d.out.full {
		r.Truncated = true
		d.note("showing the first %s of the rendering", humanBytes(d.opts.MaxBytes))
	}
	if d.inputCut {
		r.Truncated = true
	}
	whys := make([]string, len(d.whys))
	for i, w := range d.whys {
		whys[i] = SanitizeLine(w)
	}
	r.Why = strings.Join(whys, "; then ")
	notes := make([]string, len(d.notes))
	for i, n := range d.notes {
		notes[i] = SanitizeLine(n)
	}
	r.Note = strings.Join(notes, "; ")
	for _, w := range d.warnings {
		r.Warnings = append(r.Warnings, SanitizeLine(w))
	}
	return r
}
