package conf

import (
	"net"
	"strconv"
	"strings"
)

// uri is the part of java.net.URI that Hadoop's address handling uses.
// host is "" and port -1 when the authority is not host[:port] (Java then
// treats it as a registry name and getHost returns null).
type uri struct {
	scheme    string
	authority string
	hasAuth   bool
	host      string // without brackets for IPv6
	port      int
	path      string
}

// parseURI parses s like java.net.URI: it fails on characters a URI may
// not hold, and accepts any authority, recording host and port only when
// the authority is [userinfo@]host[:port] with a valid host.
func parseURI(s string) (uri, bool) {
	u := uri{port: -1}
	if !uriChars(s) || strings.Count(s, "#") > 1 {
		return u, false
	}
	rest := s
	if i := strings.IndexByte(s, ':'); i > 0 && validScheme(s[:i]) {
		u.scheme, rest = s[:i], s[i+1:]
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		u.authority, u.hasAuth, rest = rest[:end], true, rest[end:]
		u.host, u.port = parseServer(u.authority)
		if !bracketsOK(u.authority, u.host) {
			return u, false
		}
	}
	if strings.ContainsAny(rest, "[]") {
		return u, false
	}
	u.path = rest
	return u, true
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlpha(c):
		case i > 0 && (isDigit(c) || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// uriChars rejects what java.net.URI rejects anywhere: controls, space,
// the excluded punctuation and malformed %-escapes.
func uriChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0 {
			return false
		}
		if c == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])) {
			return false
		}
	}
	return true
}

// bracketsOK reports whether brackets in an authority only enclose a valid
// IPv6 host, the one place java.net.URI allows them there.
func bracketsOK(auth, host string) bool {
	if !strings.ContainsAny(auth, "[]") {
		return true
	}
	if i := strings.IndexByte(auth, '@'); i >= 0 {
		if strings.ContainsAny(auth[:i], "[]") {
			return false
		}
		auth = auth[i+1:]
	}
	return host != "" && strings.HasPrefix(auth, "[")
}

// parseServer splits a server authority; ("", -1) when it is not one.
func parseServer(auth string) (string, int) {
	if i := strings.IndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	host, portStr := auth, ""
	if strings.HasPrefix(auth, "[") {
		end := strings.IndexByte(auth, ']')
		if end < 0 || !validIPv6(auth[1:end]) {
			return "", -1
		}
		host, portStr = auth[1:end], auth[end+1:]
		if portStr != "" && portStr[0] != ':' {
			return "", -1
		}
		portStr = strings.TrimPrefix(portStr, ":")
	} else {
		if i := strings.IndexByte(auth, ':'); i >= 0 {
			host, portStr = auth[:i], auth[i+1:]
		}
		if !validIPv4(host) && !validHostname(host) {
			return "", -1
		}
	}
	if portStr == "" {
		return host, -1
	}
	if len(portStr) > 9 || strings.Trim(portStr, "0123456789") != "" {
		return "", -1
	}
	p, _ := strconv.Atoi(portStr)
	return host, p
}

// validIPv6 accepts an IPv6 literal with an optional %-encoded zone.
func validIPv6(s string) bool {
	if i := strings.IndexByte(s, '%'); i >= 0 {
		s = s[:i]
	}
	return strings.Contains(s, ":") && net.ParseIP(s) != nil
}

func validIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
		if n, _ := strconv.Atoi(p); n > 255 {
			return false
		}
	}
	return true
}

// validHostname applies java.net.URI's hostname grammar: dot-separated
// labels of ASCII letters, digits and inner hyphens, an optional trailing
// dot, and a last label that starts with a letter when there are several.
func validHostname(s string) bool {
	labels := strings.Split(strings.TrimSuffix(s, "."), ".")
	for _, l := range labels {
		if l == "" || !isAlnum(l[0]) || !isAlnum(l[len(l)-1]) {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	return len(labels) == 1 || isAlpha(labels[len(labels)-1][0])
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
