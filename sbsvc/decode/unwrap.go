package decode

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

func isGzip(b []byte) bool {
	return len(b) >= 10 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8
}

// isZlib checks the two-byte zlib header: method 8 (deflate), window at most
// 32 KiB, no preset dictionary, and the header checksum.
func isZlib(b []byte) bool {
	if len(b) < 6 {
		return false
	}
	cmf, flg := b[0], b[1]
	return cmf&0x0f == 8 && cmf>>4 <= 7 && flg&0x20 == 0 && (uint16(cmf)<<8|uint16(flg))%31 == 0
}

// unwrap removes one wrapper layer.
func (d *decoder) unwrap(l layer, b []byte) ([]byte, error) {
	switch l.kind {
	case "gzip", "zlib", "deflate":
		out, cut, err := inflate(l.kind, b, d.inflateCap)
		if err != nil {
			return nil, fmt.Errorf("%s data is damaged (%v); showing the bytes", l.kind, err)
		}
		if cut {
			d.inputCut = true
			d.note("decompressed only the first %s (%s of compressed data; the cap guards against zip bombs)",
				humanBytes(d.inflateCap), humanBytes(len(b)))
		}
		return out, nil
	case "base64":
		out, cut, err := decodeBase64(b, d.inflateCap)
		if err != nil {
			return nil, fmt.Errorf("base64 does not decode (%v)", err)
		}
		if cut {
			d.inputCut = true
			d.note("decoded only the first %s of base64", humanBytes(d.inflateCap))
		}
		return out, nil
	case "utf-16le", "utf-16be":
		out, cut := utf16ToUTF8(b, l.kind == "utf-16be", d.inflateCap)
		if cut {
			d.inputCut = true
			d.note("converted only the first %s of UTF-16", humanBytes(d.inflateCap))
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown layer %s", l.kind)
}

// inflate decompresses at most limit bytes; cut reports that more followed.
// A stream that ends early after producing output is not an error for a
// viewer: what decoded is shown.
func inflate(kind string, b []byte, limit int) (out []byte, cut bool, err error) {
	var r io.ReadCloser
	switch kind {
	case "gzip":
		gz, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, false, err
		}
		gz.Multistream(true)
		r = gz
	case "zlib":
		r, err = zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, false, err
		}
	default:
		r = flate.NewReader(bytes.NewReader(b))
	}
	defer r.Close()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, int64(limit)+1))
	if n > int64(limit) {
		return buf.Bytes()[:limit], true, nil
	}
	if err != nil && (buf.Len() == 0 || !errors.Is(err, io.ErrUnexpectedEOF)) {
		return nil, false, err
	}
	return buf.Bytes(), false, nil
}

// inflatesToSomething tries raw deflate on a body nothing else claimed. It
// is strict, since random bytes often inflate to something: the stream must
// end cleanly and give JSON, XML, or clean text of some length and variety.
func inflatesToSomething(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	r := flate.NewReader(bytes.NewReader(b))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil || len(out) == 0 {
		return false
	}
	if looksJSON(out, false) || looksXML(out) {
		return true
	}
	return len(out) >= 32 && distinctBytes(out, 8) && utf8.Valid(out) && looksCleanText(out)
}

// distinctBytes reports whether b holds at least n different byte values.
func distinctBytes(b []byte, n int) bool {
	var seen [256]bool
	count := 0
	for _, c := range b {
		if !seen[c] {
			seen[c] = true
			if count++; count >= n {
				return true
			}
		}
	}
	return false
}

func isBase64Char(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '-' || c == '_'
}

// base64Compact strips white space and checks the alphabet; padding may
// only end the text. It stops after limit characters.
func base64Compact(b []byte, limit int) ([]byte, bool) {
	out := make([]byte, 0, min(len(b), limit))
	pad := 0
	for _, c := range b {
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			continue
		case c == '=':
			pad++
			if pad > 2 {
				return nil, false
			}
		case isBase64Char(c):
			if pad > 0 {
				return nil, false
			}
		default:
			return nil, false
		}
		if len(out) < limit {
			out = append(out, c)
		}
	}
	return out, true
}

// decodeBase64 decodes standard or URL-safe base64, padded or not, up to
// about limit decoded bytes.
func decodeBase64(b []byte, limit int) ([]byte, bool, error) {
	maxChars := (limit/3 + 1) * 4
	s, ok := base64Compact(b, maxChars+4)
	if !ok {
		return nil, false, errors.New("not base64 text")
	}
	cut := false
	if len(s) > maxChars {
		s = s[:maxChars]
		cut = true
	}
	enc := base64.StdEncoding
	if bytes.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	if !bytes.HasSuffix(s, []byte("=")) {
		enc = enc.WithPadding(base64.NoPadding)
		if len(s)%4 == 1 { // a lone trailing character carries no byte
			s = s[:len(s)-1]
		}
	}
	out := make([]byte, enc.DecodedLen(len(s)))
	n, err := enc.Decode(out, s)
	if err != nil {
		return nil, false, err
	}
	return out[:n], cut, nil
}

// looksBase64 reports whether b is base64 of something worth decoding, and
// what that is.
func looksBase64(b []byte) (string, bool) {
	s, cut := sample(b, sampleBase64)
	compact, ok := base64Compact(s, len(s))
	if !ok || len(compact) < 8 {
		return "", false
	}
	if cut {
		compact = compact[:len(compact)/4*4]
	} else if len(compact)%4 == 1 {
		return "", false
	}
	dec, _, err := decodeBase64(compact, len(compact))
	if err != nil || len(dec) < 4 {
		return "", false
	}
	if l, ok := wrapperLayer(dec, "", false); ok {
		return l.kind, true
	}
	switch {
	case looksNBFX(dec):
		return "nbfx", true
	case looksJSON(dec, false):
		return "json", true
	case looksXML(dec):
		return "xml", true
	}
	if _, ok := utf16Pattern(dec); ok {
		return "utf-16le", true
	}
	if looksCleanText(dec) {
		return "text", true
	}
	return "", false
}

// looksCleanText is a strict text test for decoded base64: valid UTF-8 (a
// cut last rune allowed) with no control characters but white space.
func looksCleanText(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:])
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return false
		}
		i += size
	}
	return true
}

// utf16Pattern spots UTF-16 without a byte-order mark by its zero bytes:
// mostly-Latin text has a zero in every high byte.
func utf16Pattern(b []byte) (bigEndian bool, ok bool) {
	s := b
	if len(s) > 4096 {
		s = s[:4096]
	}
	if len(s) < 16 || len(s)%2 != 0 && len(s) == len(b) {
		return false, false
	}
	pairs := len(s) / 2
	zeroEven, zeroOdd := 0, 0
	for i := 0; i+1 < len(s); i += 2 {
		if s[i] == 0 {
			zeroEven++
		}
		if s[i+1] == 0 {
			zeroOdd++
		}
	}
	switch {
	case zeroOdd*10 >= pairs*4 && zeroEven*20 <= pairs:
		return false, utf16Sane(s, false)
	case zeroEven*10 >= pairs*4 && zeroOdd*20 <= pairs:
		return true, utf16Sane(s, true)
	}
	return false, false
}

// utf16Sane rejects candidates that decode to control characters, so that a
// binary record full of small integers is not taken for text.
func utf16Sane(b []byte, bigEndian bool) bool {
	out, _ := utf16ToUTF8(b, bigEndian, len(b)*2)
	return looksText(out)
}

// utf16ToUTF8 converts UTF-16 (BOM optional) to UTF-8, stopping near limit
// output bytes. Unpaired surrogates become U+FFFD.
func utf16ToUTF8(b []byte, bigEndian bool, limit int) ([]byte, bool) {
	if len(b) >= 2 && (b[0] == 0xff && b[1] == 0xfe && !bigEndian || b[0] == 0xfe && b[1] == 0xff && bigEndian) {
		b = b[2:]
	}
	out := make([]byte, 0, min(len(b), limit)+4)
	for i := 0; i+1 < len(b); i += 2 {
		if len(out) >= limit {
			return out, true
		}
		var u uint16
		if bigEndian {
			u = uint16(b[i])<<8 | uint16(b[i+1])
		} else {
			u = uint16(b[i+1])<<8 | uint16(b[i])
		}
		if !utf16.IsSurrogate(rune(u)) {
			out = utf8.AppendRune(out, rune(u))
			continue
		}
		if i+3 < len(b) {
			var u2 uint16
			if bigEndian {
				u2 = uint16(b[i+2])<<8 | uint16(b[i+3])
			} else {
				u2 = uint16(b[i+3])<<8 | uint16(b[i+2])
			}
			if r := utf16.DecodeRune(rune(u), rune(u2)); r != utf8.RuneError {
				out = utf8.AppendRune(out, r)
				i += 2
				continue
			}
		}
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out, false
}
