package sqlfilter

import "fmt"

// statement is one SET or REMOVE of an action.
type statement struct {
	remove bool
	prop   *propRef
	value  node // SET only
}

// parseStatements parses "SET a = expr; REMOVE b; …". Semicolons between
// statements are optional, as in the service's grammar; an action with no
// statements at all (empty or blank text) does nothing.
func parseStatements(src string) ([]statement, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	var stmts []statement
	for {
		for p.peek().is(";") {
			p.next()
		}
		t := p.peek()
		if t.kind == tokEOF {
			return stmts, nil
		}
		var s statement
		switch {
		case t.is("SET"):
			p.next()
			if s, err = p.parseSet(); err != nil {
				return nil, err
			}
		case t.is("REMOVE"):
			p.next()
			at := p.peek()
			prop, err := p.parseProperty()
			if err != nil {
				return nil, err
			}
			if prop.system {
				return nil, errAt(at, "system property %s cannot be removed", prop)
			}
			s = statement{remove: true, prop: prop}
		default:
			return nil, errAt(t, "expected SET or REMOVE, found %s", t.describe())
		}
		stmts = append(stmts, s)
		if t := p.peek(); t.kind != tokEOF && !t.is(";") && !t.is("SET") && !t.is("REMOVE") {
			return nil, errAt(t, "expected ';' or the end of the action, found %s", t.describe())
		}
	}
}

func (p *parser) parseSet() (statement, error) {
	at := p.peek()
	prop, err := p.parseProperty()
	if err != nil {
		return statement{}, err
	}
	if prop.system && brokerStamped[prop.name] {
		return statement{}, errAt(at, "system property %s is set by the broker and cannot be changed", prop)
	}
	if err := p.expect("=", "after the property to SET"); err != nil {
		return statement{}, err
	}
	v, err := p.parseCondition()
	if err != nil {
		return statement{}, err
	}
	return statement{prop: prop, value: v}, nil
}

// run applies the statements in order; each sees the previous ones' effects.
func run(stmts []statement, p MutableProps) error {
	for _, s := range stmts {
		switch {
		case s.remove:
			p.RemoveUser(s.prop.name)
		case s.prop.system:
			if err := p.SetSystem(s.prop.name, s.value.eval(p)); err != nil {
				return fmt.Errorf("SET %s: %w", s.prop, err)
			}
		default:
			p.SetUser(s.prop.name, s.value.eval(p))
		}
	}
	return nil
}
