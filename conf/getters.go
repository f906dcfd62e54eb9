package conf

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// GetTrimmed returns Get's value with surrounding whitespace removed (as
// Java's trim, which also drops control characters).
func (c *Conf) GetTrimmed(key string) (string, bool) {
	v, ok := c.Get(key)
	return javaTrim(v), ok
}

// lookupTrimmed is the strict form of GetTrimmed used by the typed getters.
func (c *Conf) lookupTrimmed(key string) (string, bool, error) {
	v, ok, err := c.Lookup(key)
	return javaTrim(v), ok, err
}

// GetInt returns key as a 32-bit integer, def when unset. Like Hadoop it
// accepts a 0x/0X hexadecimal form.
func (c *Conf) GetInt(key string, def int) (int, error) {
	n, err := c.getInteger(key, int64(def), 32)
	return int(n), err
}

// GetInt64 returns key as a 64-bit integer, def when unset.
func (c *Conf) GetInt64(key string, def int64) (int64, error) {
	return c.getInteger(key, def, 64)
}

func (c *Conf) getInteger(key string, def int64, bits int) (int64, error) {
	v, ok, err := c.lookupTrimmed(key)
	if err != nil || !ok {
		return def, err
	}
	n, err := parseJavaInteger(v, bits)
	if err != nil {
		return def, invalidValue(key, v, fmt.Sprintf("a %d-bit integer", bits))
	}
	return n, nil
}

// parseJavaInteger parses like Hadoop's getInt/getLong: an optional sign,
// then decimal digits or 0x/0X and hexadecimal digits.
func parseJavaInteger(v string, bits int) (int64, error) {
	neg := strings.HasPrefix(v, "-")
	body := strings.TrimPrefix(v, "-")
	if strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X") {
		hex := body[2:]
		if neg {
			hex = "-" + hex
		}
		return strconv.ParseInt(hex, 16, bits)
	}
	return strconv.ParseInt(v, 10, bits)
}

// GetFloat returns key as a floating-point number, def when unset. A
// trailing f/F/d/D (Java float literal) is accepted, as in "0.999f".
func (c *Conf) GetFloat(key string, def float64) (float64, error) {
	v, ok, err := c.lookupTrimmed(key)
	if err != nil || !ok {
		return def, err
	}
	s := v
	if n := len(s); n > 1 && strings.IndexByte("fFdD", s[n-1]) >= 0 {
		s = s[:n-1]
	}
	f, perr := strconv.ParseFloat(s, 64)
	if perr != nil {
		return def, invalidValue(key, v, "a number")
	}
	return f, nil
}

// GetBool returns key as a boolean ("true" or "false", any case), def when
// unset or empty. As in Hadoop, any other value yields def and a warning
// rather than an error.
func (c *Conf) GetBool(key string, def bool) bool {
	v, ok := c.GetTrimmed(key)
	if !ok || v == "" {
		return def
	}
	switch strings.ToLower(v) {
	case "true":
		return true
	case "false":
		return false
	}
	c.mu.Lock()
	c.warnLocked(fmt.Sprintf("conf: invalid value for boolean: %s=%q, using default %v", key, v, def))
	c.mu.Unlock()
	return def
}

// durationSuffixes are Hadoop's time suffixes, tried in this order.
var durationSuffixes = []struct {
	suffix string
	unit   time.Duration
}{
	{"ns", time.Nanosecond}, {"us", time.Microsecond}, {"ms", time.Millisecond},
	{"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour},
}

// GetDuration returns key as a duration (Hadoop's getTimeDuration): a
// number with a suffix ns, us, ms, s, m, h or d (any case), or a bare number
// in unit. def is returned when key is unset.
func (c *Conf) GetDuration(key string, def, unit time.Duration) (time.Duration, error) {
	v, ok, err := c.Lookup(key)
	if err != nil || !ok {
		return def, err
	}
	d, perr := ParseDuration(v, unit)
	if perr != nil {
		return def, fmt.Errorf("%w: %s=%q: %v", ErrInvalidValue, key, v, perr)
	}
	return d, nil
}

// ParseDuration parses a Hadoop time duration; a bare number is in unit.
func ParseDuration(v string, unit time.Duration) (time.Duration, error) {
	s := strings.ToLower(javaTrim(v))
	for _, u := range durationSuffixes {
		if strings.HasSuffix(s, u.suffix) {
			s, unit = strings.TrimSuffix(s, u.suffix), u.unit
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a number of %s: %q", unitName(unit), s)
	}
	if unit > 0 && (n > math.MaxInt64/int64(unit) || n < math.MinInt64/int64(unit)) {
		return 0, fmt.Errorf("out of range")
	}
	return time.Duration(n) * unit, nil
}

func unitName(u time.Duration) string {
	for _, s := range durationSuffixes {
		if s.unit == u {
			return s.suffix
		}
	}
	return u.String()
}

// GetSize returns key as a byte count (Hadoop's getLongBytes): a number
// with an optional binary suffix k, m, g, t, p or e (any case), so "128m"
// is 134217728. def is returned when key is unset.
func (c *Conf) GetSize(key string, def int64) (int64, error) {
	v, ok, err := c.lookupTrimmed(key)
	if err != nil || !ok {
		return def, err
	}
	n, perr := ParseSize(v)
	if perr != nil {
		return def, fmt.Errorf("%w: %s=%q: %v", ErrInvalidValue, key, v, perr)
	}
	return n, nil
}

// ParseSize parses a size with a traditional binary prefix, as Hadoop's
// StringUtils.TraditionalBinaryPrefix.string2long.
func ParseSize(v string) (int64, error) {
	s := javaTrim(v)
	if s == "" {
		return 0, fmt.Errorf("empty size")
	}
	last := s[len(s)-1]
	if last >= '0' && last <= '9' {
		return strconv.ParseInt(s, 10, 64)
	}
	shift := strings.IndexByte("kmgtpe", lower(last))
	if shift < 0 {
		return 0, fmt.Errorf("invalid size prefix '%c' in '%s'; allowed prefixes are k, m, g, t, p, e (case insensitive)", last, s)
	}
	prefix := int64(1) << (10 * (shift + 1))
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt64/prefix || n < math.MinInt64/prefix {
		return 0, fmt.Errorf("%s does not fit in a Long", s)
	}
	return n * prefix, nil
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// listSeparator is Hadoop's getTrimmedStrings separator: a comma or newline
// with any Java whitespace around it.
var listSeparator = regexp.MustCompile(`[ \t\n\x0B\f\r]*[,\n][ \t\n\x0B\f\r]*`)

// GetStrings returns key split on commas and newlines with each item
// trimmed (Hadoop's getTrimmedStrings); nil when unset or blank. Empty
// items inside the list are kept, trailing ones dropped, as Java's split.
func (c *Conf) GetStrings(key string) []string {
	v, _ := c.Get(key)
	return SplitTrimmed(v)
}

// SplitTrimmed is Hadoop's StringUtils.getTrimmedStrings: v split on
// commas and newlines, each item trimmed; nil when v is blank.
func SplitTrimmed(v string) []string {
	s := javaTrim(v)
	if s == "" {
		return nil
	}
	parts := listSeparator.Split(s, -1)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// GetStringSet returns GetStrings without empty items and duplicates, in
// first-seen order (Hadoop's getTrimmedStringCollection).
func (c *Conf) GetStringSet(key string) []string {
	return uniqueNonEmpty(c.GetStrings(key))
}

func uniqueNonEmpty(items []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range items {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
