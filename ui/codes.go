package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// tokenClass names a highlighting role in the body viewer.
type tokenClass uint8

const (
	tokPlain tokenClass = iota
	tokKey
	tokString
	tokNumber
	tokLiteral
	tokPunct
	tokTag
	tokAttr
	tokComment
	tokMatch
	tokCurrent
	tokCount
)

// sgrReset ends whatever an open sequence started.
const sgrReset = "\x1b[m"

// tokenCodes holds the SGR "open" sequence of the styles used in hot render
// paths. Wrapping text as open+text+reset is far cheaper than a lipgloss
// Render per span, which matters when a frame has hundreds of spans.
type tokenCodes struct {
	selected, marked string
	lineNumber       string
	header           string
	hints            [HintError + 1]string
	tok              [tokCount]string
}

// sgrOpen extracts the escape sequence a style puts before its text. Only
// valid for styles without padding, margins, borders or width, which is
// what the token and cell styles are.
func sgrOpen(st lipgloss.Style) string {
	const probe = "X" // SGR sequences never contain an X
	r := st.Render(probe)
	i := strings.Index(r, probe)
	if i <= 0 {
		return ""
	}
	return r[:i]
}

func buildTokenCodes(s *Styles) tokenCodes {
	var c tokenCodes
	c.selected = sgrOpen(s.TableSelected)
	c.marked = sgrOpen(s.TableMarked)
	c.lineNumber = sgrOpen(s.LineNumber)
	c.header = sgrOpen(s.TableHeader)
	c.hints[HintNone] = sgrOpen(s.TableRow)
	c.hints[HintDim] = sgrOpen(s.TableDim)
	c.hints[HintDeadLetter] = sgrOpen(s.DeadLetter)
	c.hints[HintOK] = sgrOpen(s.CellOK)
	c.hints[HintWarn] = sgrOpen(s.CellWarn)
	c.hints[HintError] = sgrOpen(s.CellError)
	c.tok[tokKey] = sgrOpen(s.TokKey)
	c.tok[tokString] = sgrOpen(s.TokString)
	c.tok[tokNumber] = sgrOpen(s.TokNumber)
	c.tok[tokLiteral] = sgrOpen(s.TokLiteral)
	c.tok[tokPunct] = sgrOpen(s.TokPunct)
	c.tok[tokTag] = sgrOpen(s.TokTag)
	c.tok[tokAttr] = sgrOpen(s.TokAttr)
	c.tok[tokComment] = sgrOpen(s.TokComment)
	c.tok[tokMatch] = sgrOpen(s.TokMatch)
	c.tok[tokCurrent] = sgrOpen(s.TokCurrent)
	return c
}

func (c *tokenCodes) hint(h Hint) string {
	if int(h) >= len(c.hints) {
		return ""
	}
	return c.hints[h]
}

// wrap surrounds text with an open sequence and a reset (or nothing).
func (c *tokenCodes) wrap(open, text string) string {
	if open == "" || text == "" {
		return text
	}
	return open + text + sgrReset
}
