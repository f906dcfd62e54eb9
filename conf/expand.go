package conf

import "strings"

// maxSubst is Hadoop's bound on substitutions per value (MAX_SUBST).
const maxSubst = 20

// Get returns the expanded value of key and whether it has one (a default
// counts). If expansion fails (more than 20 substitutions) the unexpanded
// value is returned and a warning recorded; use Lookup to see the error.
func (c *Conf) Get(key string) (string, bool) {
	v, ok, err := c.Lookup(key)
	if err != nil {
		raw, _ := c.Raw(key)
		c.mu.Lock()
		c.warnLocked(err.Error())
		c.mu.Unlock()
		return raw, true
	}
	return v, ok
}

// Lookup is Get that reports an expansion failure instead of hiding it, as
// Hadoop's Configuration.get throws.
func (c *Conf) Lookup(key string) (string, bool, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	raw, ok := c.rawLocked(canonicalKey(key))
	if !ok {
		return "", false, nil
	}
	v, err := c.substituteLocked(raw)
	if err != nil {
		return "", true, err
	}
	return v, true, nil
}

// Raw returns key's value without expansion (Hadoop's getRaw).
func (c *Conf) Raw(key string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.rawLocked(canonicalKey(key))
}

func (c *Conf) rawLocked(key string) (string, bool) {
	if v, ok := c.overlay[key]; ok {
		return v, true
	}
	v, ok := c.props[key]
	return v, ok
}

// substituteLocked replaces the left-most ${var} repeatedly. Unbound
// references stay as written; a value that refers to itself returns expr
// unchanged; more than maxSubst rounds is an error.
func (c *Conf) substituteLocked(expr string) (string, error) {
	eval := expr
	for range maxSubst {
		start, end := findVariable(eval)
		if start < 0 {
			return eval, nil
		}
		val, ok := c.resolveVariableLocked(eval[start:end])
		if !ok {
			return eval, nil
		}
		ref := eval[start-2 : end+1]
		if strings.Contains(val, ref) {
			return expr, nil
		}
		eval = eval[:start-2] + val + eval[end+1:]
	}
	return "", hadoopErrorf(ErrSubstitutionDepth, "Variable substitution depth too large: %d %s", maxSubst, expr)
}

// findVariable returns the bounds of the name in the left-most ${name},
// where name is non-empty and holds no '}', '$' or ' '; -1, -1 if none.
func findVariable(eval string) (int, int) {
	from := 1
	for {
		i := strings.IndexByte(eval[min(from, len(eval)):], '{')
		if i < 0 {
			return -1, -1
		}
		brace := from + i
		if brace+2 >= len(eval) {
			return -1, -1
		}
		if eval[brace-1] != '$' {
			from = brace + 1
			continue
		}
		end, next := scanVariable(eval, brace+1)
		switch {
		case end > 0:
			return brace + 1, end
		case next < 0:
			return -1, -1
		default:
			from = next
		}
	}
}

// scanVariable scans a name starting at start. It returns the index of the
// closing '}' (end > 0), or where to resume the search (next), or next < 0
// when the string ends first.
func scanVariable(eval string, start int) (end, next int) {
	for i := start; i < len(eval); i++ {
		switch eval[i] {
		case '}':
			if i > start {
				return i, 0
			}
			return 0, i + 1
		case ' ', '$':
			return 0, i + 1
		}
	}
	return 0, -1
}

// resolveVariableLocked looks a name up as Hadoop does: env.NAME in the
// environment (with :- and - defaults), any other name among the system
// properties, then either name among the configuration keys.
func (c *Conf) resolveVariableLocked(name string) (string, bool) {
	var val string
	var ok bool
	if strings.HasPrefix(name, "env.") && len(name) > 4 {
		val, ok = c.envVariable(name[4:])
	} else {
		val, ok = c.sys[name]
	}
	if !ok {
		val, ok = c.rawLocked(canonicalKey(name))
	}
	return val, ok
}

func (c *Conf) envVariable(spec string) (string, bool) {
	for i := 0; i < len(spec); i++ {
		switch {
		case spec[i] == ':' && i < len(spec)-1 && spec[i+1] == '-':
			v, ok := c.env(spec[:i])
			if !ok || v == "" {
				return spec[i+2:], true
			}
			return v, true
		case spec[i] == '-':
			v, ok := c.env(spec[:i])
			if !ok {
				return spec[i+1:], true
			}
			return v, true
		}
	}
	return c.env(spec)
}

// javaTrim trims like Java's String.trim: every char <= ' ' at both ends.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}
