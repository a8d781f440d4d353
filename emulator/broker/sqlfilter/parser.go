package sqlfilter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Grammar, loosest binding first (keywords are case-insensitive):
//
//	condition  = and { OR and }
//	and        = not { AND not }
//	not        = NOT not | predicate
//	predicate  = sum [ cmp sum | IS [NOT] NULL | [NOT] IN "(" sum {"," sum} ")"
//	                 | [NOT] LIKE sum [ESCAPE 'c'] ]
//	sum        = product { ("+"|"-") product }
//	product    = unary { ("*"|"/"|"%") unary }
//	unary      = ("-"|"+") unary | primary
//	primary    = literal | property | EXISTS "(" property ")" | newid "(" ")"
//	           | "(" condition ")"
//	property   = [ (sys|user) "." ] (name | [name] | "name")

type parser struct {
	toks  []token
	i     int
	depth int // nesting of parentheses, NOT and unary signs
}

// maxDepth bounds nesting so a hostile expression cannot exhaust the stack.
const maxDepth = 256

// nest is called before each recursive descent into a nested construct.
func (p *parser) nest() error {
	p.depth++
	if p.depth > maxDepth {
		return errAt(p.peek(), "expression nested more than %d levels deep", maxDepth)
	}
	return nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func errAt(t token, format string, args ...any) error {
	return &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf(format, args...)}
}

// expect consumes the symbol or keyword want, or explains what it needed.
func (p *parser) expect(want, context string) error {
	t := p.peek()
	if !t.is(want) {
		return errAt(t, "expected '%s' %s, found %s", want, context, t.describe())
	}
	p.next()
	return nil
}

// needCondition refuses operands that can never be true or false.
func needCondition(n node, at token, op string) error {
	switch n.kind() {
	case kindNumber, kindString:
		return errAt(at, "%s needs a condition, found %s", op, n.kind())
	}
	return nil
}

func (p *parser) parseCondition() (node, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().is("OR") {
		op := p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		if err := needCondition(l, op, "OR"); err != nil {
			return nil, err
		}
		if err := needCondition(r, op, "OR"); err != nil {
			return nil, err
		}
		l = &orNode{l: l, r: r}
	}
	return l, nil
}

func (p *parser) parseAnd() (node, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.peek().is("AND") {
		op := p.next()
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		if err := needCondition(l, op, "AND"); err != nil {
			return nil, err
		}
		if err := needCondition(r, op, "AND"); err != nil {
			return nil, err
		}
		l = &andNode{l: l, r: r}
	}
	return l, nil
}

func (p *parser) parseNot() (node, error) {
	if !p.peek().is("NOT") {
		return p.parsePredicate()
	}
	op := p.next()
	if err := p.nest(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	x, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	if err := needCondition(x, op, "NOT"); err != nil {
		return nil, err
	}
	return &notNode{x: x}, nil
}

var comparisons = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func (p *parser) parsePredicate() (node, error) {
	l, err := p.parseSum()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.kind == tokSymbol && comparisons[t.text]:
		p.next()
		r, err := p.parseSum()
		if err != nil {
			return nil, err
		}
		return &cmpNode{op: t.text, l: l, r: r}, nil
	case t.is("IS"):
		p.next()
		not := false
		if p.peek().is("NOT") {
			p.next()
			not = true
		}
		if err := p.expect("NULL", "after IS"); err != nil {
			return nil, err
		}
		return &isNullNode{x: l, not: not}, nil
	case t.is("NOT"):
		p.next()
		switch {
		case p.peek().is("IN"):
			p.next()
			return p.parseInList(l, true)
		case p.peek().is("LIKE"):
			p.next()
			return p.parseLike(l, true)
		}
		return nil, errAt(p.peek(), "expected IN or LIKE after NOT, found %s", p.peek().describe())
	case t.is("IN"):
		p.next()
		return p.parseInList(l, false)
	case t.is("LIKE"):
		p.next()
		return p.parseLike(l, false)
	}
	return l, nil
}

func (p *parser) parseInList(x node, not bool) (node, error) {
	if err := p.expect("(", "to open the IN list"); err != nil {
		return nil, err
	}
	n := &inNode{x: x, not: not}
	for {
		if p.peek().is(")") && len(n.list) == 0 {
			return nil, errAt(p.peek(), "IN list is empty")
		}
		e, err := p.parseSum()
		if err != nil {
			return nil, err
		}
		n.list = append(n.list, e)
		if !p.peek().is(",") {
			break
		}
		p.next()
	}
	if err := p.expect(")", "after IN list"); err != nil {
		return nil, err
	}
	return n, nil
}

func (p *parser) parseLike(x node, not bool) (node, error) {
	at := p.peek()
	pattern, err := p.parseSum()
	if err != nil {
		return nil, err
	}
	if k := pattern.kind(); k == kindNumber || k == kindBool {
		return nil, errAt(at, "LIKE needs a string pattern, found %s", k)
	}
	n := &likeNode{x: x, pattern: pattern, not: not}
	if p.peek().is("ESCAPE") {
		p.next()
		e := p.next()
		if e.kind != tokString || utf8.RuneCountInString(e.text) != 1 {
			return nil, errAt(e, "ESCAPE needs a one-character string such as '!', found %s", e.describe())
		}
		n.escape, _ = utf8.DecodeRuneInString(e.text)
	}
	if lit, ok := pattern.(*literal); ok {
		if s, ok := lit.v.(string); ok {
			if n.compiled, err = compileLike(s, n.escape); err != nil {
				return nil, errAt(at, "%v", err)
			}
		}
	}
	return n, nil
}

// needValue refuses arithmetic on conditions, and on strings except +.
func needValue(n node, at token) error {
	switch k := n.kind(); {
	case k == kindBool:
		return errAt(at, "operator '%s' needs values, found a condition", at.text)
	case k == kindString && at.text != "+":
		return errAt(at, "operator '%s' needs numbers, found a string", at.text)
	}
	return nil
}

func arithKind(l, r node) staticKind {
	lk, rk := l.kind(), r.kind()
	switch {
	case lk == kindNull || rk == kindNull:
		return kindNull
	case lk == rk:
		return lk
	}
	return kindAny
}

func (p *parser) parseSum() (node, error) {
	return p.parseBinary(p.parseProduct, "+", "-")
}

func (p *parser) parseProduct() (node, error) {
	return p.parseBinary(p.parseUnary, "*", "/", "%")
}

// parseBinary parses a left-associative chain of the given operators.
func (p *parser) parseBinary(operand func() (node, error), ops ...string) (node, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek()
		if op.kind != tokSymbol || !containsString(ops, op.text) {
			return l, nil
		}
		p.next()
		r, err := operand()
		if err != nil {
			return nil, err
		}
		if err := needValue(l, op); err != nil {
			return nil, err
		}
		if err := needValue(r, op); err != nil {
			return nil, err
		}
		lk, rk := l.kind(), r.kind()
		if (lk == kindString && rk == kindNumber) || (lk == kindNumber && rk == kindString) {
			return nil, errAt(op, "operator '%s' cannot combine a string and a number", op.text)
		}
		l = &arithNode{op: op.text, l: l, r: r, k: arithKind(l, r)}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) parseUnary() (node, error) {
	t := p.peek()
	if !t.is("-") && !t.is("+") {
		return p.parsePrimary()
	}
	p.next()
	// Fold "-123" so the most negative int64 can be written.
	if t.is("-") && p.peek().kind == tokInt {
		return p.intLiteral(p.next(), "-")
	}
	if err := p.nest(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	if k := x.kind(); k == kindBool || k == kindString {
		return nil, errAt(t, "unary '%s' needs a number, found %s", t.text, k)
	}
	if t.is("+") {
		return x, nil
	}
	return &negNode{x: x}, nil
}

func (p *parser) intLiteral(t token, sign string) (node, error) {
	v, err := strconv.ParseInt(sign+t.text, 10, 64)
	if err != nil {
		return nil, errAt(t, "integer %s%s is out of range", sign, t.text)
	}
	return &literal{v: v, k: kindNumber}, nil
}

func (p *parser) parsePrimary() (node, error) {
	t := p.peek()
	switch t.kind {
	case tokString:
		p.next()
		return &literal{v: t.text, k: kindString}, nil
	case tokInt:
		p.next()
		return p.intLiteral(t, "")
	case tokFloat:
		p.next()
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, errAt(t, "number %s is out of range", t.text)
		}
		return &literal{v: f, k: kindNumber}, nil
	case tokQuoted:
		return p.parseProperty()
	case tokSymbol:
		if t.is("(") {
			p.next()
			if err := p.nest(); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
			x, err := p.parseCondition()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")", "to close '(' at position "+strconv.Itoa(t.pos)); err != nil {
				return nil, err
			}
			return x, nil
		}
		return nil, errAt(t, "expected a value, found %s", t.describe())
	case tokEOF:
		return nil, errAt(t, "expected a value, found end of expression")
	}
	// Identifiers and keywords.
	switch strings.ToUpper(t.text) {
	case "TRUE", "FALSE":
		p.next()
		return &literal{v: strings.EqualFold(t.text, "TRUE"), k: kindBool}, nil
	case "NULL":
		p.next()
		return &literal{v: nil, k: kindNull}, nil
	case "EXISTS":
		p.next()
		if err := p.expect("(", "after EXISTS"); err != nil {
			return nil, err
		}
		prop, err := p.parseProperty()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")", "after the EXISTS property"); err != nil {
			return nil, err
		}
		return &existsNode{prop: prop}, nil
	}
	if isKeyword(t) {
		return nil, errAt(t, "expected a value, found keyword %s", strings.ToUpper(t.text))
	}
	if p.toks[p.i+1].is("(") {
		if !strings.EqualFold(t.text, "newid") {
			return nil, errAt(t, "unknown function %s", t.text)
		}
		p.next()
		p.next()
		if err := p.expect(")", "after newid("); err != nil {
			return nil, err
		}
		return newidNode{}, nil
	}
	return p.parseProperty()
}

func (p *parser) parseProperty() (*propRef, error) {
	t := p.next()
	if t.kind == tokIdent && p.peek().is(".") &&
		(strings.EqualFold(t.text, "sys") || strings.EqualFold(t.text, "user")) {
		p.next()
		name := p.next()
		if name.kind != tokIdent && name.kind != tokQuoted {
			return nil, errAt(name, "expected a property name after %s., found %s", t.text, name.describe())
		}
		if strings.EqualFold(t.text, "sys") {
			return &propRef{system: true, name: canonicalSystemName(name.text)}, nil
		}
		return &propRef{name: name.text}, nil
	}
	switch {
	case t.kind == tokQuoted:
		return &propRef{name: t.text}, nil
	case t.kind == tokIdent && !isKeyword(t):
		return &propRef{name: t.text}, nil
	}
	return nil, errAt(t, "expected a property name, found %s", t.describe())
}
