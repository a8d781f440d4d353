package sqlfilter

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a parse failure. Pos is the 1-based character (not byte)
// position in the expression where the problem was found.
type SyntaxError struct {
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("position %d: %s", e.Pos, e.Msg) }

type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokIdent            // regular identifier or keyword
	tokQuoted           // [delimited] or "quoted" identifier: never a keyword
	tokString           // 'string' or N'string'
	tokInt              // digits only
	tokFloat            // digits with a point and/or an exponent
	tokSymbol           // operator or punctuation
)

type token struct {
	kind tokenKind
	text string // identifier/string contents (unescaped), number text, or symbol
	pos  int    // 1-based character position
}

// describe renders a token for "expected X, found Y" messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokString:
		return fmt.Sprintf("string '%s'", t.text)
	case tokQuoted:
		return fmt.Sprintf("identifier [%s]", t.text)
	case tokSymbol:
		return fmt.Sprintf("'%s'", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// is reports whether t is the given keyword (case-insensitive) or symbol.
func (t token) is(s string) bool {
	switch t.kind {
	case tokIdent:
		return strings.EqualFold(t.text, s)
	case tokSymbol:
		return t.text == s
	}
	return false
}

// keywords cannot be used as bare identifiers; they can be [bracketed].
var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IN": true, "LIKE": true, "ESCAPE": true,
	"IS": true, "NULL": true, "TRUE": true, "FALSE": true, "EXISTS": true,
	"SET": true, "REMOVE": true,
}

func isKeyword(t token) bool {
	return t.kind == tokIdent && keywords[strings.ToUpper(t.text)]
}

// lexer turns an expression into tokens, tracking character positions.
type lexer struct {
	src  string
	off  int // byte offset
	pos  int // 1-based character position of off
	toks []token
}

func tokenize(src string) ([]token, error) {
	lx := &lexer{src: src, pos: 1}
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		lx.toks = append(lx.toks, t)
		if t.kind == tokEOF {
			return lx.toks, nil
		}
	}
}

func (lx *lexer) peekRune(ahead int) rune {
	off := lx.off
	for i := 0; ; i++ {
		if off >= len(lx.src) {
			return -1
		}
		r, size := utf8.DecodeRuneInString(lx.src[off:])
		if i == ahead {
			return r
		}
		off += size
	}
}

func (lx *lexer) advance() rune {
	r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
	lx.off += size
	lx.pos++
	return r
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
func isDigit(r rune) bool      { return r >= '0' && r <= '9' }

func (lx *lexer) next() (token, error) {
	for r := lx.peekRune(0); r != -1 && unicode.IsSpace(r); r = lx.peekRune(0) {
		lx.advance()
	}
	start := lx.pos
	r := lx.peekRune(0)
	switch {
	case r == -1:
		return token{kind: tokEOF, pos: start}, nil
	case (r == 'N' || r == 'n') && lx.peekRune(1) == '\'':
		lx.advance()
		s, err := lx.delimited('\'', '\'', "string")
		return token{kind: tokString, text: s, pos: start}, err
	case isIdentStart(r):
		var sb strings.Builder
		for r := lx.peekRune(0); r != -1 && isIdentPart(r); r = lx.peekRune(0) {
			sb.WriteRune(lx.advance())
		}
		return token{kind: tokIdent, text: sb.String(), pos: start}, nil
	case r == '\'':
		s, err := lx.delimited('\'', '\'', "string")
		return token{kind: tokString, text: s, pos: start}, err
	case r == '[':
		s, err := lx.delimited('[', ']', "identifier")
		return token{kind: tokQuoted, text: s, pos: start}, err
	case r == '"':
		s, err := lx.delimited('"', '"', "identifier")
		return token{kind: tokQuoted, text: s, pos: start}, err
	case isDigit(r) || (r == '.' && isDigit(lx.peekRune(1))):
		return lx.number()
	}
	lx.advance()
	sym := string(r)
	two := sym + string(lx.peekRune(0))
	switch two {
	case "<>", "!=", "<=", ">=":
		lx.advance()
		return token{kind: tokSymbol, text: two, pos: start}, nil
	}
	switch r {
	case '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';':
		return token{kind: tokSymbol, text: sym, pos: start}, nil
	}
	return token{}, &SyntaxError{Pos: start, Msg: fmt.Sprintf("unexpected character %q", r)}
}

// delimited reads open…close where a doubled close character stands for one.
func (lx *lexer) delimited(open, close rune, what string) (string, error) {
	start := lx.pos
	lx.advance() // open
	var sb strings.Builder
	for {
		r := lx.peekRune(0)
		if r == -1 {
			return "", &SyntaxError{Pos: start, Msg: fmt.Sprintf("unterminated %s: missing closing %c", what, close)}
		}
		lx.advance()
		if r == close {
			if lx.peekRune(0) != close {
				return sb.String(), nil
			}
			lx.advance()
		}
		sb.WriteRune(r)
	}
}

// number reads 12, 1.5, .5, 1., 1e9, 2.5E-3.
func (lx *lexer) number() (token, error) {
	start := lx.pos
	var sb strings.Builder
	digits := func() {
		for isDigit(lx.peekRune(0)) {
			sb.WriteRune(lx.advance())
		}
	}
	kind := tokInt
	digits()
	if lx.peekRune(0) == '.' {
		kind = tokFloat
		sb.WriteRune(lx.advance())
		digits()
	}
	if r := lx.peekRune(0); r == 'e' || r == 'E' {
		kind = tokFloat
		sb.WriteRune(lx.advance())
		if r := lx.peekRune(0); r == '+' || r == '-' {
			sb.WriteRune(lx.advance())
		}
		if !isDigit(lx.peekRune(0)) {
			return token{}, &SyntaxError{Pos: lx.pos, Msg: "expected digits in the exponent of a number"}
		}
		digits()
	}
	if isIdentStart(lx.peekRune(0)) {
		return token{}, &SyntaxError{Pos: lx.pos, Msg: "unexpected letter after number " + sb.String()}
	}
	return token{kind: kind, text: sb.String(), pos: start}, nil
}
