package ui

import (
	"strings"
)

// KeyHelp is one line of help: the keys and what they do.
type KeyHelp struct {
	Keys string // "j/↓"
	Desc string // "down"
}

// HelpGroup is a titled column of key help ("Navigation", "Messages" …).
type HelpGroup struct {
	Title string
	Keys  []KeyHelp
}

const helpGap = 4 // spaces between help columns

// Help lays key groups out in columns, as many side by side as fit in
// width, wrapping onto further rows of columns. Every line is cut to width.
func (s *Styles) Help(groups []HelpGroup, width int) string {
	if width <= 0 {
		return ""
	}
	type block struct {
		lines []string // rendered
		w     int
	}
	var blocks []block
	for _, g := range groups {
		keyW := 0
		for _, k := range g.Keys {
			keyW = max(keyW, Width(Sanitize(k.Keys)))
		}
		var bl block
		title := Sanitize(g.Title)
		bl.w = Width(title)
		plain := []string{title}
		for _, k := range g.Keys {
			line := Fit(Sanitize(k.Keys), keyW) + "  " + Sanitize(k.Desc)
			plain = append(plain, line)
			bl.w = max(bl.w, Width(line))
		}
		bl.w = min(bl.w, width)
		for i, p := range plain {
			p = Fit(p, bl.w)
			switch {
			case i == 0:
				bl.lines = append(bl.lines, s.HelpTitle.Render(p))
			case keyW >= bl.w:
				bl.lines = append(bl.lines, s.HelpKey.Render(p))
			default:
				k := g.Keys[i-1]
				keys := Fit(Sanitize(k.Keys), keyW)
				desc := Fit(Sanitize(k.Desc), bl.w-keyW-2)
				bl.lines = append(bl.lines, s.HelpKey.Render(keys)+"  "+s.HelpDesc.Render(desc))
			}
		}
		blocks = append(blocks, bl)
	}
	var out []string
	for start := 0; start < len(blocks); {
		// Take as many blocks as fit on this row (at least one).
		end, used := start+1, blocks[start].w
		for end < len(blocks) && used+helpGap+blocks[end].w <= width {
			used += helpGap + blocks[end].w
			end++
		}
		rows := 0
		for _, bl := range blocks[start:end] {
			rows = max(rows, len(bl.lines))
		}
		if start > 0 {
			out = append(out, "")
		}
		for r := range rows {
			var line strings.Builder
			for i, bl := range blocks[start:end] {
				if i > 0 {
					line.WriteString(strings.Repeat(" ", helpGap))
				}
				if r < len(bl.lines) {
					line.WriteString(bl.lines[r])
				} else if i < end-start-1 {
					line.WriteString(strings.Repeat(" ", bl.w))
				}
			}
			out = append(out, strings.TrimRight(line.String(), " "))
		}
		start = end
	}
	return strings.Join(out, "\n")
}
