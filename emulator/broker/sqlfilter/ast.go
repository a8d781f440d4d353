package sqlfilter

import (
	"crypto/rand"
	"fmt"
)

// node is a parsed expression. eval returns a Go value; nil is SQL NULL,
// which for conditions means "unknown". Conditions return bool or nil.
type node interface {
	eval(p Props) any
	// kind is what the parser knows statically about the value, so that
	// nonsense like "5 AND 'x'" is refused at parse time.
	kind() staticKind
}

type staticKind int

const (
	kindAny staticKind = iota // property values: known only at run time
	kindBool
	kindNumber
	kindString
	kindNull
)

func (k staticKind) String() string {
	switch k {
	case kindBool:
		return "a condition"
	case kindNumber:
		return "a number"
	case kindString:
		return "a string"
	case kindNull:
		return "NULL"
	}
	return "a value"
}

// truth reads a value as a condition: bool is itself, anything else unknown.
func truth(v any) (value, known bool) {
	b, ok := v.(bool)
	return b, ok
}

type literal struct {
	v any
	k staticKind
}

func (n *literal) eval(Props) any   { return n.v }
func (n *literal) kind() staticKind { return n.k }

// propRef is sys.Name (System) or [user.]Name (User). System names are
// stored in their canonical spelling, user names exactly as written.
type propRef struct {
	system bool
	name   string
}

func (n *propRef) eval(p Props) any {
	var v any
	if n.system {
		v, _ = p.System(n.name)
	} else {
		v, _ = p.User(n.name)
	}
	return v
}
func (n *propRef) kind() staticKind { return kindAny }

func (n *propRef) String() string {
	if n.system {
		return "sys." + n.name
	}
	return n.name
}

type existsNode struct{ prop *propRef }

func (n *existsNode) eval(p Props) any {
	var ok bool
	if n.prop.system {
		_, ok = p.System(n.prop.name)
	} else {
		_, ok = p.User(n.prop.name)
	}
	return ok
}
func (n *existsNode) kind() staticKind { return kindBool }

type notNode struct{ x node }

func (n *notNode) eval(p Props) any {
	if b, ok := truth(n.x.eval(p)); ok {
		return !b
	}
	return nil
}
func (n *notNode) kind() staticKind { return kindBool }

type andNode struct{ l, r node }

func (n *andNode) eval(p Props) any {
	lb, lok := truth(n.l.eval(p))
	if lok && !lb {
		return false
	}
	rb, rok := truth(n.r.eval(p))
	switch {
	case rok && !rb:
		return false
	case lok && rok:
		return true
	}
	return nil
}
func (n *andNode) kind() staticKind { return kindBool }

type orNode struct{ l, r node }

func (n *orNode) eval(p Props) any {
	lb, lok := truth(n.l.eval(p))
	if lok && lb {
		return true
	}
	rb, rok := truth(n.r.eval(p))
	switch {
	case rok && rb:
		return true
	case lok && rok:
		return false
	}
	return nil
}
func (n *orNode) kind() staticKind { return kindBool }

// cmpNode is = <> != < <= > >=. NULL on either side is unknown; values of
// different types are unequal (so <> is true) and unordered (so < is unknown).
type cmpNode struct {
	op   string
	l, r node
}

func (n *cmpNode) eval(p Props) any {
	a := n.l.eval(p)
	if a == nil {
		return nil
	}
	b := n.r.eval(p)
	if b == nil {
		return nil
	}
	switch n.op {
	case "=":
		return equal(a, b)
	case "<>", "!=":
		return !equal(a, b)
	}
	c, ok := order(a, b)
	if !ok {
		return nil
	}
	switch n.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0 // ">="
}
func (n *cmpNode) kind() staticKind { return kindBool }

// inNode is x [NOT] IN (list): true on a match, unknown when x is NULL or
// nothing matched but the list held a NULL, false otherwise.
type inNode struct {
	x    node
	list []node
	not  bool
}

func (n *inNode) eval(p Props) any {
	x := n.x.eval(p)
	if x == nil {
		return nil
	}
	sawNull := false
	for _, e := range n.list {
		v := e.eval(p)
		if v == nil {
			sawNull = true
			continue
		}
		if equal(x, v) {
			return !n.not
		}
	}
	if sawNull {
		return nil
	}
	return n.not
}
func (n *inNode) kind() staticKind { return kindBool }

// likeNode is x [NOT] LIKE pattern [ESCAPE 'c']. A constant pattern is
// compiled once; a computed one on every evaluation.
type likeNode struct {
	x        node
	pattern  node
	compiled likePattern // non-nil when pattern is a constant
	escape   rune
	not      bool
}

func (n *likeNode) eval(p Props) any {
	s, ok := n.x.eval(p).(string)
	if !ok {
		return nil // NULL or not a string
	}
	pat := n.compiled
	if pat == nil {
		ps, ok := n.pattern.eval(p).(string)
		if !ok {
			return nil
		}
		var err error
		if pat, err = compileLike(ps, n.escape); err != nil {
			return nil
		}
	}
	return pat.match(s) != n.not
}
func (n *likeNode) kind() staticKind { return kindBool }

type isNullNode struct {
	x   node
	not bool
}

func (n *isNullNode) eval(p Props) any { return (n.x.eval(p) == nil) != n.not }
func (n *isNullNode) kind() staticKind { return kindBool }

type arithNode struct {
	op   string
	l, r node
	k    staticKind
}

func (n *arithNode) eval(p Props) any {
	a := n.l.eval(p)
	if a == nil {
		return nil
	}
	b := n.r.eval(p)
	if b == nil {
		return nil
	}
	return arith(n.op, a, b)
}
func (n *arithNode) kind() staticKind { return n.k }

type negNode struct{ x node }

func (n *negNode) eval(p Props) any {
	v := n.x.eval(p)
	if v == nil {
		return nil
	}
	return negate(v)
}
func (n *negNode) kind() staticKind { return kindNumber }

// newidNode is newid(): a fresh random UUID string per evaluation.
type newidNode struct{}

func (newidNode) eval(Props) any {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails on supported platforms
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
func (newidNode) kind() staticKind { return kindString }
