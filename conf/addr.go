package conf

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Addr is a host and port as written in an address key
// ("nn1.example.com:8020"); IPv6 hosts are kept without brackets.
type Addr struct {
	Host string
	Port int
}

// String returns host:port, bracketing an IPv6 host.
func (a Addr) String() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// IsZero reports whether a is unset.
func (a Addr) IsZero() bool { return a == Addr{} }

// ParseAddr parses an address the way Hadoop's NetUtils.createSocketAddr
// does, without resolving it: "host:port", "scheme://host:port/path", or a
// bare "host" when defaultPort >= 0. Hosts must satisfy java.net.URI (so
// "my_host" is rejected, as in Hadoop).
func ParseAddr(target string, defaultPort int) (Addr, error) {
	return parseAddrFor("", target, defaultPort)
}

// parseAddrFor is ParseAddr naming the key the value came from.
func parseAddrFor(key, target string, defaultPort int) (Addr, error) {
	help := ""
	if key != "" {
		help = fmt.Sprintf(" (configuration property '%s')", key)
	}
	target = javaTrim(target)
	hasScheme := strings.Contains(target, "://")
	full := target
	if !hasScheme {
		full = "dummyscheme://" + target
	}
	u, ok := parseURI(full)
	port := u.port
	if port == -1 {
		port = defaultPort
	}
	if !ok || u.host == "" || port < 0 || (!hasScheme && u.path != "") {
		return Addr{}, hadoopErrorf(ErrInvalidValue, "Does not contain a valid host:port authority: %s%s", target, help)
	}
	if port > 65535 {
		return Addr{}, hadoopErrorf(ErrInvalidValue, "port out of range:%d", port)
	}
	return Addr{Host: u.host, Port: port}, nil
}

// Network is what address handling asks of the machine and its name
// service. SystemNetwork is the real one; tests supply their own.
type Network interface {
	// LookupIP resolves a host name (IP literals resolve to themselves).
	LookupIP(host string) ([]net.IP, error)
	// HostName names ip as Java's InetAddress.getHostName does: a reverse
	// lookup confirmed by a forward lookup, else the address's text.
	HostName(ip net.IP) string
	// IsLocal reports whether ip is this machine's: the wildcard address,
	// a loopback address, or an address of one of its interfaces.
	IsLocal(ip net.IP) bool
}

// SystemNetwork returns the Network of this machine.
func SystemNetwork() Network { return systemNetwork{} }

type systemNetwork struct{}

func (systemNetwork) LookupIP(host string) ([]net.IP, error) { return net.LookupIP(host) }

func (systemNetwork) HostName(ip net.IP) string {
	names, err := net.LookupAddr(ip.String())
	if err != nil || len(names) == 0 {
		return javaIPString(ip)
	}
	name := strings.TrimSuffix(names[0], ".")
	ips, err := net.LookupIP(name)
	if err != nil {
		return javaIPString(ip)
	}
	for _, other := range ips {
		if other.Equal(ip) {
			return name
		}
	}
	return javaIPString(ip)
}

func (systemNetwork) IsLocal(ip net.IP) bool {
	if ip.IsUnspecified() || ip.IsLoopback() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
			return true
		}
	}
	return false
}

// resolve returns the address Java's InetAddress.getByName would pick for
// host (IPv4 first, as Hadoop runs Java with preferIPv4Stack); false when
// the host does not resolve.
func resolve(n Network, host string) (net.IP, bool) {
	if ip := net.ParseIP(host); ip != nil {
		return ip, true
	}
	ips, err := n.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return nil, false
	}
	for _, ip := range ips {
		if ip.To4() != nil {
			return ip, true
		}
	}
	return ips[0], true
}

// hostName is Java's InetSocketAddress.getHostName for an address built by
// NetUtils.createSocketAddr: the name as written, except that an IP
// literal is reverse-resolved unless the address was left unresolved.
func hostName(n Network, a Addr, unresolved bool) string {
	ip := net.ParseIP(a.Host)
	if ip == nil || unresolved {
		return a.Host
	}
	return n.HostName(ip)
}

// javaIPString formats ip as Java's getHostAddress: dotted quad, or eight
// uncompressed hexadecimal groups for IPv6.
func javaIPString(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	if len(ip) != net.IPv6len {
		return ip.String()
	}
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(ip[2*i])<<8|uint64(ip[2*i+1]), 16)
	}
	return strings.Join(groups, ":")
}
