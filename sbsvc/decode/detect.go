package decode

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"
)

// claim is what a content type says the body is.
type claim int

const (
	claimNone claim = iota
	claimJSON
	claimXML
	claimText
	claimNBFX
	claimProtobuf
	claimCloudEvents
	claimBinary
)

// Detection samples: heuristics look only at a prefix so that detection of
// a huge body stays cheap. XML tokenizing is the slowest, so its sample is
// the smallest.
const (
	sampleText     = 64 << 10
	sampleJSON     = 64 << 10
	sampleXML      = 8 << 10
	sampleNBFX     = 16 << 10
	sampleProtobuf = 16 << 10
	sampleBase64   = 4 << 10
)

func classifyContentType(ct string) (claim, string) {
	ct = strings.TrimSpace(ct)
	if ct == "" {
		return claimNone, ""
	}
	media, _, err := mime.ParseMediaType(ct)
	if err != nil {
		media, _, _ = strings.Cut(strings.ToLower(ct), ";")
		media = strings.TrimSpace(media)
	}
	switch {
	case media == "application/cloudevents+json":
		return claimCloudEvents, media
	case strings.Contains(media, "msbin"):
		return claimNBFX, media
	case strings.Contains(media, "protobuf") || strings.HasSuffix(media, "+proto") ||
		strings.HasPrefix(media, "application/grpc"):
		return claimProtobuf, media
	case strings.Contains(media, "json"):
		return claimJSON, media
	case strings.HasSuffix(media, "/xml") || strings.HasSuffix(media, "+xml"):
		return claimXML, media
	case strings.HasPrefix(media, "text/"):
		return claimText, media
	case media == "application/octet-stream":
		return claimBinary, media
	}
	return claimNone, media
}

// contentEncoding returns a Content-Encoding application property, lower
// case ("gzip", "deflate"), or "".
func contentEncoding(props map[string]any) string {
	for k, v := range props {
		if !strings.EqualFold(k, "Content-Encoding") && !strings.EqualFold(k, "ContentEncoding") {
			continue
		}
		if s, ok := v.(string); ok {
			return strings.ToLower(strings.TrimSpace(s))
		}
	}
	return ""
}

// layer is one detected layer of a body.
type layer struct {
	kind string
	why  string
}

func (l layer) isWrapper() bool {
	switch l.kind {
	case "gzip", "zlib", "deflate", "base64", "utf-16le", "utf-16be":
		return true
	}
	return false
}

// Detect reports the outermost layer of a body (e.g. "gzip", "base64",
// "json", "amqp-value", "cloudevent") and why, without rendering or
// decompressing it. Decode peels the layers one by one.
func Detect(in Input) (kind, why string) {
	switch {
	case in.HasValue:
		return "amqp-value", "the message has an AMQP value body"
	case in.HasSequence:
		return "amqp-sequence", "the message has an AMQP sequence body"
	}
	if ce := binaryCloudEvent(in.Properties); ce != nil {
		return "cloudevent", ce.why
	}
	cl, _ := classifyContentType(in.ContentType)
	l := detectLayer(in.Body, cl, contentEncoding(in.Properties), true, Auto)
	if l.kind == "json" && (cl == claimCloudEvents || hasSpecVersion(in.Body)) {
		return "cloudevent", "JSON with a specversion member (structured CloudEvent)"
	}
	return l.kind, l.why
}

func detectLayer(b []byte, cl claim, enc string, first bool, mode Mode) layer {
	if len(b) == 0 {
		return layer{"empty", "the body is empty"}
	}
	if l, ok := wrapperLayer(b, enc, first); ok {
		return l
	}
	b = trimUTF8BOM(b)
	switch mode {
	case Text:
		if be, ok := utf16Pattern(b); ok {
			return utf16Layer(be, "zero bytes in a UTF-16 pattern")
		}
		return layer{"text", "text view selected"}
	case JSON:
		if !looksJSON(b, true) {
			if l, ok := hiddenLayer(b); ok {
				return l
			}
		}
		return layer{"json", "JSON view selected"}
	case XML:
		if looksNBFX(b) {
			return layer{"nbfx", "XML view selected; the body is .NET binary XML"}
		}
		if !looksXML(b) {
			if l, ok := hiddenLayer(b); ok {
				return l
			}
		}
		return layer{"xml", "XML view selected"}
	}
	if l, ok := claimedLayer(b, cl); ok {
		return l
	}
	switch {
	case looksNBFX(b):
		return layer{"nbfx", "starts with a .NET binary XML element record and parses as one"}
	case looksJSON(b, false):
		return layer{"json", "starts with { or [ and parses as JSON"}
	case looksXML(b):
		return layer{"xml", "starts with < and parses as XML"}
	}
	if l, ok := hiddenLayer(b); ok {
		return l
	}
	if looksText(b) {
		return layer{"text", "valid UTF-8 with few control characters"}
	}
	if looksProtobuf(b, false) {
		return layer{"protobuf", "parses completely as protobuf wire format"}
	}
	if inflatesToSomething(b) {
		return layer{"deflate", "inflates as raw deflate to readable data"}
	}
	return layer{"hex", "binary data in no known format"}
}

// wrapperLayer finds layers marked by magic bytes or a Content-Encoding.
func wrapperLayer(b []byte, enc string, first bool) (layer, bool) {
	switch {
	case isGzip(b):
		return layer{"gzip", "starts with the gzip magic bytes 1f 8b"}, true
	case isZlib(b):
		return layer{"zlib", "starts with a zlib header"}, true
	case first && enc == "deflate":
		return layer{"deflate", "Content-Encoding says deflate"}, true
	case len(b) >= 2 && b[0] == 0xff && b[1] == 0xfe:
		return utf16Layer(false, "starts with a UTF-16LE byte-order mark"), true
	case len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		return utf16Layer(true, "starts with a UTF-16BE byte-order mark"), true
	}
	return layer{}, false
}

// hiddenLayer finds text encodings that have no magic bytes: UTF-16 without
// a byte-order mark, and base64.
func hiddenLayer(b []byte) (layer, bool) {
	if be, ok := utf16Pattern(b); ok {
		return utf16Layer(be, "zero bytes in a UTF-16 pattern"), true
	}
	if inner, ok := looksBase64(b); ok {
		return layer{"base64", "only base64 characters, decoding to " + Label(inner)}, true
	}
	return layer{}, false
}

func utf16Layer(bigEndian bool, why string) layer {
	if bigEndian {
		return layer{"utf-16be", why}
	}
	return layer{"utf-16le", why}
}

// claimedLayer checks the format the content type names first, so that an
// honest content type wins over the generic order.
func claimedLayer(b []byte, cl claim) (layer, bool) {
	switch cl {
	case claimJSON, claimCloudEvents:
		if looksJSON(b, true) {
			return layer{"json", "content type is JSON and the body parses as JSON"}, true
		}
	case claimXML:
		if looksNBFX(b) {
			return layer{"nbfx", "content type is XML and the body is .NET binary XML"}, true
		}
		if looksXML(b) {
			return layer{"xml", "content type is XML and the body parses as XML"}, true
		}
	case claimNBFX:
		if looksNBFX(b) || looksNBFXSession(b) || nbfxDecodesSome(b) {
			return layer{"nbfx", "content type is .NET binary XML and the body parses as such"}, true
		}
	case claimProtobuf:
		if looksProtobuf(b, true) {
			return layer{"protobuf", "content type is protobuf and the body parses as protobuf wire format"}, true
		}
	}
	return layer{}, false
}

func trimUTF8BOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte{0xef, 0xbb, 0xbf})
}

// sample returns at most n bytes of b, cut back to a UTF-8 rune start if it
// had to cut, and whether it cut.
func sample(b []byte, n int) ([]byte, bool) {
	if len(b) <= n {
		return b, false
	}
	s := b[:n]
	for i := 0; i < utf8.UTFMax && len(s) > 0; i++ {
		if utf8.RuneStart(s[len(s)-1]) {
			s = s[:len(s)-1]
			break
		}
		s = s[:len(s)-1]
	}
	return s, true
}

// firstNonSpace returns the first byte that is not JSON/XML white space.
func firstNonSpace(b []byte) (byte, bool) {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, true
	}
	return 0, false
}

// looksText accepts mostly valid UTF-8 (at most 5% stray bytes) with few
// control characters. ESC,
// tab, CR, LF, FF and VT do not count: logs with ANSI colour are text.
func looksText(b []byte) bool {
	s, cut := sample(b, sampleText)
	if len(s) == 0 {
		return !cut
	}
	runes, controls, invalid := 0, 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			runes++
			i++
			switch {
			case c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x1b:
			case c == 0:
				controls += 2 // NUL is a strong binary signal
			case c < 0x20 || c == 0x7f:
				controls++
			}
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		i += size
		runes++
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else if r >= 0x80 && r <= 0x9f {
			controls++
		}
	}
	if invalid*20 > runes { // a few stray bytes (Latin-1 text) are shown as \xNN
		return false
	}
	return controls*50 <= max(runes, 50)
}
