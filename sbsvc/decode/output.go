package decode

import (
	"strconv"
	"unicode/utf8"
)

// capBuf collects rendered output up to max bytes. Once full it ignores
// further writes, and renderers poll full to stop working early: that is how
// a 20 MB body costs no more than MaxBytes of output.
type capBuf struct {
	b    []byte
	max  int
	full bool
}

func newCapBuf(max int) *capBuf { return &capBuf{max: max} }

// room returns how many bytes of s fit, cut back to a rune boundary.
func (c *capBuf) room(n int, runeStart func(i int) bool) int {
	room := c.max - len(c.b)
	if n <= room {
		return n
	}
	if room < 0 {
		room = 0
	}
	for room > 0 && !runeStart(room) {
		room--
	}
	return room
}

func (c *capBuf) str(s string) {
	if c.full {
		return
	}
	n := c.room(len(s), func(i int) bool { return utf8.RuneStart(s[i]) })
	c.b = append(c.b, s[:n]...)
	if n < len(s) {
		c.full = true
	}
}

func (c *capBuf) bytes(s []byte) {
	if c.full {
		return
	}
	n := c.room(len(s), func(i int) bool { return utf8.RuneStart(s[i]) })
	c.b = append(c.b, s[:n]...)
	if n < len(s) {
		c.full = true
	}
}

func (c *capBuf) byte1(ch byte) {
	if c.full {
		return
	}
	if len(c.b) >= c.max {
		c.full = true
		return
	}
	c.b = append(c.b, ch)
}

const spaces = "                                                                "

// indent writes two spaces per level.
func (c *capBuf) indent(level int) {
	n := 2 * level
	for n > 0 && !c.full {
		k := min(n, len(spaces))
		c.str(spaces[:k])
		n -= k
	}
}

func (c *capBuf) len() int { return len(c.b) }

// humanBytes formats a size for notes: "512 B", "1 MiB", "20.5 MiB".
func humanBytes(n int) string {
	const unit = 1024
	if n < unit {
		return strconv.Itoa(n) + " B"
	}
	f := float64(n)
	suffix := []string{"KiB", "MiB", "GiB", "TiB"}
	i := -1
	for f >= unit && i < len(suffix)-1 {
		f /= unit
		i++
	}
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s + " " + suffix[i]
}
