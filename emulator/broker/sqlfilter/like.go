package sqlfilter

import "errors"

// likePattern is a compiled LIKE pattern: % matches any run of characters,
// _ exactly one, and the escape character makes the next one literal.
type likePattern []likeElem

type likeElem struct {
	kind likeKind
	r    rune // for likeLiteral
}

type likeKind int

const (
	likeLiteral likeKind = iota
	likeOne
	likeMany
)

var errTrailingEscape = errors.New("LIKE pattern ends with its escape character")

// compileLike compiles pattern; escape is 0 when there is no ESCAPE clause.
func compileLike(pattern string, escape rune) (likePattern, error) {
	var p likePattern
	escaped := false
	for _, r := range pattern {
		switch {
		case escaped:
			p = append(p, likeElem{kind: likeLiteral, r: r})
			escaped = false
		case escape != 0 && r == escape:
			escaped = true
		case r == '%':
			if len(p) == 0 || p[len(p)-1].kind != likeMany { // %% is %
				p = append(p, likeElem{kind: likeMany})
			}
		case r == '_':
			p = append(p, likeElem{kind: likeOne})
		default:
			p = append(p, likeElem{kind: likeLiteral, r: r})
		}
	}
	if escaped {
		return nil, errTrailingEscape
	}
	return p, nil
}

// match runs in O(len(s)·len(p)) at worst by only ever backtracking to the
// most recent %: an earlier % can never match more usefully than that one.
func (p likePattern) match(s string) bool {
	rs := []rune(s)
	pi, si := 0, 0
	star, starSi := -1, 0
	for si < len(rs) {
		if pi < len(p) {
			switch e := p[pi]; {
			case e.kind == likeMany:
				star, starSi = pi, si
				pi++
				continue
			case e.kind == likeOne || e.r == rs[si]:
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		starSi++
		pi, si = star+1, starSi
	}
	for pi < len(p) && p[pi].kind == likeMany {
		pi++
	}
	return pi == len(p)
}
