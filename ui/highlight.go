package ui

import "strings"

// A hand-written, line-at-a-time highlighter for JSON and XML. It is
// deliberately small: the body viewer highlights only the lines on screen,
// so the lexer must be able to start at any line without scanning the whole
// document (XML carries a one-byte state across lines for comments and tags
// that span lines; JSON needs none because strings cannot contain a raw
// newline).

// span is a run of bytes [start, end) within one line, in one class.
type span struct {
	start, end int
	class      tokenClass
}

// maxHighlightLine bounds the per-line highlighter: a minified multi-MB
// single-line body is shown plain rather than producing millions of spans.
const maxHighlightLine = 256 << 10

// xmlState is the XML lexer's state at a line boundary.
type xmlState uint8

const (
	xmlText xmlState = iota
	xmlInTag
	xmlInComment
	xmlInCDATA
)

func appendSpan(out []span, start, end int, c tokenClass) []span {
	if end <= start {
		return out
	}
	if n := len(out); n > 0 && out[n-1].class == c && out[n-1].end == start {
		out[n-1].end = end
		return out
	}
	return append(out, span{start, end, c})
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// highlightJSON classifies one line of (usually pretty-printed) JSON. It is
// tolerant: invalid JSON is still coloured sensibly and never fails.
func highlightJSON(line string) []span {
	var out []span
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case isSpace(c):
			j := i + 1
			for j < len(line) && isSpace(line[j]) {
				j++
			}
			out = appendSpan(out, i, j, tokPlain)
			i = j
		case c == '"':
			j := i + 1
			for j < len(line) {
				if line[j] == '\\' {
					j += 2
					continue
				}
				if line[j] == '"' {
					j++
					break
				}
				j++
			}
			j = min(j, len(line))
			class := tokString
			k := j
			for k < len(line) && isSpace(line[k]) {
				k++
			}
			if k < len(line) && line[k] == ':' {
				class = tokKey
			}
			out = appendSpan(out, i, j, class)
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(line) && (line[j] >= '0' && line[j] <= '9' || line[j] == '.' || line[j] == 'e' || line[j] == 'E' || line[j] == '+' || line[j] == '-') {
				j++
			}
			out = appendSpan(out, i, j, tokNumber)
			i = j
		case c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':':
			out = appendSpan(out, i, i+1, tokPunct)
			i++
		case isWordByte(c):
			j := i + 1
			for j < len(line) && isWordByte(line[j]) {
				j++
			}
			class := tokPlain
			switch line[i:j] {
			case "true", "false", "null":
				class = tokLiteral
			}
			out = appendSpan(out, i, j, class)
			i = j
		default:
			out = appendSpan(out, i, i+1, tokPlain)
			i++
		}
	}
	return out
}

// highlightXML classifies one line of XML starting in state st and returns
// the spans (when want is true) and the state at the end of the line.
func highlightXML(line string, st xmlState, want bool) ([]span, xmlState) {
	var out []span
	add := func(a, b int, c tokenClass) {
		if want {
			out = appendSpan(out, a, b, c)
		}
	}
	i := 0
	for i < len(line) {
		switch st {
		case xmlInComment, xmlInCDATA:
			end := "-->"
			class := tokComment
			if st == xmlInCDATA {
				end, class = "]]>", tokString
			}
			j := indexFrom(line, end, i)
			if j < 0 {
				add(i, len(line), class)
				return out, st
			}
			add(i, j+len(end), class)
			i = j + len(end)
			st = xmlText
		case xmlText:
			c := line[i]
			switch {
			case hasPrefixAt(line, i, "<!--"):
				st = xmlInComment
				add(i, i+4, tokComment)
				i += 4
			case hasPrefixAt(line, i, "<![CDATA["):
				st = xmlInCDATA
				add(i, i+9, tokPunct)
				i += 9
			case c == '<':
				j := i + 1
				if j < len(line) && (line[j] == '/' || line[j] == '?' || line[j] == '!') {
					j++
				}
				add(i, j, tokPunct)
				k := j
				for k < len(line) && !isSpace(line[k]) && line[k] != '>' && line[k] != '/' && line[k] != '?' {
					k++
				}
				add(j, k, tokTag)
				i = k
				st = xmlInTag
			case c == '&':
				j := i + 1
				for j < len(line) && j-i < 12 && line[j] != ';' && line[j] != '<' && !isSpace(line[j]) {
					j++
				}
				if j < len(line) && line[j] == ';' {
					add(i, j+1, tokLiteral)
					i = j + 1
				} else {
					add(i, j, tokPlain)
					i = j
				}
			default:
				j := i + 1
				for j < len(line) && line[j] != '<' && line[j] != '&' {
					j++
				}
				add(i, j, tokPlain)
				i = j
			}
		case xmlInTag:
			c := line[i]
			switch {
			case c == '>':
				add(i, i+1, tokPunct)
				i++
				st = xmlText
			case (c == '/' || c == '?') && i+1 < len(line) && line[i+1] == '>':
				add(i, i+2, tokPunct)
				i += 2
				st = xmlText
			case c == '"' || c == '\'':
				j := indexFrom(line, string(c), i+1)
				if j < 0 {
					j = len(line) - 1
				}
				add(i, j+1, tokString)
				i = j + 1
			case c == '=':
				add(i, i+1, tokPunct)
				i++
			case isSpace(c):
				j := i + 1
				for j < len(line) && isSpace(line[j]) {
					j++
				}
				add(i, j, tokPlain)
				i = j
			default:
				j := i + 1
				for j < len(line) && !isSpace(line[j]) && line[j] != '=' && line[j] != '>' && line[j] != '/' && line[j] != '"' && line[j] != '\'' {
					j++
				}
				add(i, j, tokAttr)
				i = j
			}
		default:
			return out, xmlText
		}
	}
	return out, st
}

// highlightHex dims the offset column of a hex dump line ("00000010  …").
func highlightHex(line string) []span {
	j := 0
	for j < len(line) && (line[j] >= '0' && line[j] <= '9' || line[j] >= 'a' && line[j] <= 'f' || line[j] >= 'A' && line[j] <= 'F') {
		j++
	}
	if j < 4 || j >= len(line) || (line[j] != ' ' && line[j] != ':') {
		return nil
	}
	return []span{{0, j, tokComment}}
}

func hasPrefixAt(s string, i int, p string) bool {
	return len(s)-i >= len(p) && s[i:i+len(p)] == p
}

func indexFrom(s, sub string, from int) int {
	if from >= len(s) {
		return -1
	}
	if i := strings.Index(s[from:], sub); i >= 0 {
		return from + i
	}
	return -1
}
