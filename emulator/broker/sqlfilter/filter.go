package sqlfilter

// parseFilter parses a whole filter expression.
func parseFilter(src string) (node, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tokEOF {
		return nil, errAt(p.peek(), "the filter is empty")
	}
	first := p.peek()
	n, err := p.parseCondition()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, errAt(t, "expected AND, OR or end of expression, found %s", t.describe())
	}
	if err := needCondition(n, first, "a filter"); err != nil {
		return nil, err
	}
	return n, nil
}

// noProps answers every lookup with "absent", for Match(nil).
type noProps struct{}

func (noProps) System(string) (any, bool) { return nil, false }
func (noProps) User(string) (any, bool)   { return nil, false }
