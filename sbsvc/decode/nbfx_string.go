package decode

import (
	"html"
	"strings"
)

// serializationNS is the DataContractSerializer namespace a legacy
// BrokeredMessage uses when its body was a .NET string.
const serializationNS = "http://schemas.microsoft.com/2003/10/Serialization/"

// unwrapDotNetString handles the commonest .NET binary XML body: a string
// serialized by BrokeredMessage (`<string xmlns="…/Serialization/">…</string>`).
// The XML wrapper says nothing; its text usually is JSON or XML, so the
// rendering since mark is replaced by that text, detected again, and the
// chain reads ".NET binary XML → string → JSON". Anything else stays XML.
func (d *decoder) unwrapDotNetString(mark int) bool {
	if d.out.full || d.layers+1 >= d.opts.MaxDepth {
		return false
	}
	doc := strings.TrimSpace(string(d.out.b[mark:]))
	inner, ok := strings.CutPrefix(doc, `<string xmlns="`+serializationNS+`">`)
	if !ok {
		return false
	}
	inner, ok = strings.CutSuffix(inner, "</string>")
	if !ok || strings.Contains(inner, "<") {
		return false
	}
	d.out.b = d.out.b[:mark]
	d.chain = append(d.chain, "string") // renderNBFX already recorded "nbfx"
	d.layers++
	d.dotnetString = true
	d.addWhy("the binary XML is a serialized .NET string: its text is detected again")
	d.body([]byte(html.UnescapeString(inner)), claimNone, "")
	return true
}
