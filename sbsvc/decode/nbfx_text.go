package decode

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// nbfxFixedSize is the payload size of the text records an Array may hold.
func nbfxFixedSize(rt byte) int {
	switch rt {
	case 0xb4:
		return 1
	case 0x8a:
		return 2
	case 0x8c, 0x90:
		return 4
	case 0x8e, 0x92, 0x96, 0xae:
		return 8
	case 0x94, 0xb0:
		return 16
	}
	return 0
}

// nbfxText reads and formats the payload of text record type rt (even).
func nbfxText(r *nbfxReader, rt byte) (string, error) {
	fixed := func(n int) ([]byte, error) { return r.take(n) }
	switch rt {
	case 0x80:
		return "0", nil
	case 0x82:
		return "1", nil
	case 0x84:
		return "false", nil
	case 0x86:
		return "true", nil
	case 0x88:
		b, err := fixed(1)
		if err != nil {
			return "", err
		}
		return strconv.Itoa(int(int8(b[0]))), nil
	case 0x8a:
		b, err := fixed(2)
		if err != nil {
			return "", err
		}
		return strconv.Itoa(int(int16(binary.LittleEndian.Uint16(b)))), nil
	case 0x8c:
		b, err := fixed(4)
		if err != nil {
			return "", err
		}
		return strconv.Itoa(int(int32(binary.LittleEndian.Uint32(b)))), nil
	case 0x8e:
		b, err := fixed(8)
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(int64(binary.LittleEndian.Uint64(b)), 10), nil
	case 0x90:
		b, err := fixed(4)
		if err != nil {
			return "", err
		}
		return xmlFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), 32), nil
	case 0x92:
		b, err := fixed(8)
		if err != nil {
			return "", err
		}
		return xmlFloat(math.Float64frombits(binary.LittleEndian.Uint64(b)), 64), nil
	case 0x94:
		b, err := fixed(16)
		if err != nil {
			return "", err
		}
		return dotnetDecimal(b), nil
	case 0x96:
		b, err := fixed(8)
		if err != nil {
			return "", err
		}
		return dotnetDateTime(binary.LittleEndian.Uint64(b)), nil
	case 0x98, 0x9a, 0x9c:
		n, err := lengthField(r, rt, 0x98)
		if err != nil {
			return "", err
		}
		b, err := fixed(n)
		return string(b), err
	case 0x9e, 0xa0, 0xa2:
		n, err := lengthField(r, rt, 0x9e)
		if err != nil {
			return "", err
		}
		b, err := fixed(n)
		return base64.StdEncoding.EncodeToString(b), err
	case 0xa6:
		return "", r.fail("end of list without a start")
	case 0xa8:
		return "", nil
	case 0xaa:
		return r.dict()
	case 0xac, 0xb0:
		b, err := fixed(16)
		if err != nil {
			return "", err
		}
		if rt == 0xac {
			return "urn:uuid:" + dotnetGUID(b), nil
		}
		return dotnetGUID(b), nil
	case 0xae:
		b, err := fixed(8)
		if err != nil {
			return "", err
		}
		return dotnetTimeSpan(int64(binary.LittleEndian.Uint64(b))), nil
	case 0xb2:
		b, err := fixed(8)
		if err != nil {
			return "", err
		}
		return strconv.FormatUint(binary.LittleEndian.Uint64(b), 10), nil
	case 0xb4:
		b, err := fixed(1)
		if err != nil {
			return "", err
		}
		switch b[0] {
		case 0:
			return "false", nil
		case 1:
			return "true", nil
		}
		r.pos--
		return "", r.fail("bool value %d", b[0])
	case 0xb6, 0xb8:
		n, err := lengthField(r, rt, 0xb6)
		if err != nil {
			return "", err
		}
		b, err := fixed(n)
		return utf16LEString(b), err
	case 0xba:
		n, err := r.mb31()
		if err != nil {
			return "", err
		}
		b, err := fixed(int(n))
		return utf16LEString(b), err
	case 0xbc:
		p, err := fixed(1)
		if err != nil {
			return "", err
		}
		if p[0] > 25 {
			r.pos--
			return "", r.fail("QName prefix %d out of range", p[0])
		}
		name, err := r.dict()
		return prefixLetter(p[0]) + ":" + name, err
	}
	return "", r.fail("unknown text record 0x%02x", rt)
}

// lengthField reads the 1-, 2- or 4-byte length of the Chars/Bytes/
// UnicodeChars records (base is the 8-bit variant's type).
func lengthField(r *nbfxReader, rt, base byte) (int, error) {
	switch rt - base {
	case 0:
		b, err := r.take(1)
		if err != nil {
			return 0, err
		}
		return int(b[0]), nil
	case 2:
		b, err := r.take(2)
		if err != nil {
			return 0, err
		}
		return int(binary.LittleEndian.Uint16(b)), nil
	default:
		b, err := r.take(4)
		if err != nil {
			return 0, err
		}
		n := int32(binary.LittleEndian.Uint32(b))
		if n < 0 {
			return 0, r.fail("negative length %d", n)
		}
		return int(n), nil
	}
}

func utf16LEString(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// xmlFloat formats as XML Schema does: INF, -INF, NaN, shortest digits.
func xmlFloat(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'G', -1, bits)
}

// dotnetGUID formats a GUID stored with its first three fields little-endian.
func dotnetGUID(b []byte) string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x",
		binary.LittleEndian.Uint32(b[0:4]), binary.LittleEndian.Uint16(b[4:6]),
		binary.LittleEndian.Uint16(b[6:8]), b[8:10], b[10:16])
}

// dotnetDecimal formats a 16-byte decimal: reserved(2) scale(1) sign(1)
// hi32 lo64, value = (hi32<<64 | lo64) / 10^scale.
func dotnetDecimal(b []byte) string {
	scale := int(b[2])
	neg := b[3]&0x80 != 0
	v := new(big.Int).SetUint64(uint64(binary.LittleEndian.Uint32(b[4:8])))
	v.Lsh(v, 64)
	v.Or(v, new(big.Int).SetUint64(binary.LittleEndian.Uint64(b[8:16])))
	if scale > 28 {
		return fmt.Sprintf("invalid-decimal(scale %d, %s)", scale, v)
	}
	digits := v.String()
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
		digits = strings.TrimRight(strings.TrimRight(digits, "0"), ".")
	}
	if neg && digits != "0" {
		digits = "-" + digits
	}
	return digits
}

const (
	ticksPerSecond  = 10_000_000
	maxDateTimeTick = 3155378976000000000
	epochSeconds    = 62135596800 // 0001-01-01 to 1970-01-01
)

// dotnetDateTime formats 62 bits of ticks since 0001-01-01 and 2 bits of
// kind (1 UTC, 2 local) per MC-NBFX 2.2.3.12.
func dotnetDateTime(v uint64) string {
	ticks := v & (1<<62 - 1)
	kind := v >> 62
	if ticks >= maxDateTimeTick {
		return fmt.Sprintf("invalid-datetime(%d)", ticks)
	}
	frac := ticks % ticksPerSecond
	t := time.Unix(int64(ticks/ticksPerSecond)-epochSeconds, 0).UTC()
	var s string
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && frac == 0 {
		s = t.Format("2006-01-02")
	} else {
		s = t.Format("2006-01-02T15:04:05") + fraction7(frac)
	}
	switch kind {
	case 1:
		s += "Z"
	case 2:
		s += " (local time)"
	case 3:
		s += " (bad time zone kind)"
	}
	return s
}

// fraction7 formats 100 ns ticks as .fffffff without trailing zeros.
func fraction7(frac uint64) string {
	if frac == 0 {
		return ""
	}
	return "." + strings.TrimRight(fmt.Sprintf("%07d", frac), "0")
}

// dotnetTimeSpan formats signed ticks as [-][D.]HH:mm:ss[.fffffff].
func dotnetTimeSpan(t int64) string {
	sign := ""
	u := uint64(t)
	if t < 0 {
		sign = "-"
		u = -u
	}
	frac := u % ticksPerSecond
	secs := u / ticksPerSecond
	days := secs / 86400
	secs %= 86400
	s := fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60) + fraction7(frac)
	if days > 0 {
		s = strconv.FormatUint(days, 10) + "." + s
	}
	return sign + s
}
