package decode

import "strings"

// DefaultPreviewRunes is used when Preview is given no width.
const DefaultPreviewRunes = 80

// Preview renders a body as one sanitised line of at most maxRunes runes,
// for a message list. It is cheap on any body: detection reads a prefix and
// rendering stops after a few times maxRunes bytes.
func Preview(in Input, maxRunes int) string {
	if maxRunes <= 0 {
		maxRunes = DefaultPreviewRunes
	}
	res := Decode(in, Options{MaxBytes: 4*maxRunes + 256})
	var s string
	switch res.Kind {
	case "empty":
		s = "(empty)"
	case "hex":
		b := in.Body
		if v, ok := in.AMQPValue.([]byte); ok && in.HasValue {
			b = v
		}
		s = "binary, " + humanBytes(len(b)) + ": " + hexPreview(b[:min(len(b), maxRunes/3+1)], maxRunes/3)
		if len(res.Chain) > 1 {
			s = res.Describe() + ": " + s
		}
	default:
		s = collapseSpace(res.Text)
	}
	return cutRunes(SanitizeLine(s), maxRunes)
}

// collapseSpace turns every run of white space into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
