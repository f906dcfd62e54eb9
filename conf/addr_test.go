package conf

import (
	"net"
	"reflect"
	"strings"
	"testing"
)

// Expected results were checked against java.net.URI, which Hadoop's
// NetUtils.createSocketAddr uses to split host and port.
func TestParseAddrLikeNetUtils(t *testing.T) {
	tests := []struct {
		target      string
		defaultPort int
		want        Addr
		ok          bool
	}{
		{"nn1.example.com:8020", -1, Addr{"nn1.example.com", 8020}, true},
		{" 127.0.0.1:37301 ", -1, Addr{"127.0.0.1", 37301}, true},
		{"hdfs://nn1:9000/path", -1, Addr{"nn1", 9000}, true},
		{"hdfs://nn1/path", 8020, Addr{"nn1", 8020}, true},
		{"nn1", 8485, Addr{"nn1", 8485}, true},
		{"nn1:", 8485, Addr{"nn1", 8485}, true},
		{"[::1]:8020", -1, Addr{"::1", 8020}, true},
		{"h.:1", -1, Addr{"h.", 1}, true},
		{"01.02.03.004:5", -1, Addr{"01.02.03.004", 5}, true},
		{"user@nn1:8020", -1, Addr{"nn1", 8020}, true},
		{"nn1", -1, Addr{}, false},            // no port and no default
		{"my_host:8020", -1, Addr{}, false},   // underscore: not a URI host
		{"host:abc", -1, Addr{}, false},       // port not numeric
		{"a.1b:5", -1, Addr{}, false},         // last label starts with a digit
		{"1.2.3:4", -1, Addr{}, false},        // neither IPv4 nor a host name
		{"999.1.1.1:4", -1, Addr{}, false},    // octet out of range
		{"host-:1", -1, Addr{}, false},        // label ends with '-'
		{"a..b:1", -1, Addr{}, false},         // empty label
		{"nn1:8020/x", -1, Addr{}, false},     // a path without a scheme
		{"jn0 :8020", -1, Addr{}, false},      // space
		{"h:+1", -1, Addr{}, false},           // sign in port
		{"h:99999", -1, Addr{}, false},        // port out of range
		{"[1.2.3.4]:1", -1, Addr{}, false},    // IPv4 in brackets
		{"", 8020, Addr{}, false},             // nothing
		{"hdfs:///path", 8020, Addr{}, false}, // no authority
		{"nn1:8020:9000", -1, Addr{}, false},  // two ports
		{"[::1]junk:8020", -1, Addr{}, false}, // text after the bracket
		{"a@b@c:8020", -1, Addr{}, false},     // '@' in host
		{"h]:8020", -1, Addr{}, false},        // stray bracket
		{"hdfs://h:1#a#b", -1, Addr{}, false}, // two fragments
		{"hdfs://h:1?q[x]", -1, Addr{"h", 1}, true},
	}
	for _, tt := range tests {
		got, err := ParseAddr(tt.target, tt.defaultPort)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("ParseAddr(%q, %d) = %v, %v; want %v ok=%v", tt.target, tt.defaultPort, got, err, tt.want, tt.ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "conf: ") {
			t.Errorf("error %q lacks the package prefix", err)
		}
	}
}

func TestParseAddrErrorIsHadoops(t *testing.T) {
	_, err := ParseAddr("my_host:8020", -1)
	if got := hadoopMessage(err); got != "Does not contain a valid host:port authority: my_host:8020" {
		t.Errorf("message = %q", got)
	}
	_, err = parseAddrFor("dfs.namenode.rpc-address", "x y", -1)
	if got := hadoopMessage(err); got != "Does not contain a valid host:port authority: x y (configuration property 'dfs.namenode.rpc-address')" {
		t.Errorf("message = %q", got)
	}
}

func TestAddrString(t *testing.T) {
	if s := (Addr{"::1", 8020}).String(); s != "[::1]:8020" {
		t.Errorf("IPv6: %s", s)
	}
	if s := (Addr{"nn", 1}).String(); s != "nn:1" {
		t.Errorf("host: %s", s)
	}
}

func TestHostNameReverseResolvesOnlyLiterals(t *testing.T) {
	n := loopbackNet()
	for _, tt := range []struct {
		addr       Addr
		unresolved bool
		want       string
	}{
		{Addr{"127.0.0.1", 1}, false, "localhost"},
		{Addr{"127.0.0.1", 1}, true, "127.0.0.1"},
		{Addr{"nn1.example.com", 1}, false, "nn1.example.com"},
		{Addr{"10.9.9.9", 1}, false, "10.9.9.9"},
		{Addr{"::2", 1}, false, "0:0:0:0:0:0:0:2"},
	} {
		if got := hostName(n, tt.addr, tt.unresolved); got != tt.want {
			t.Errorf("hostName(%v, %v) = %q, want %q", tt.addr, tt.unresolved, got, tt.want)
		}
	}
}

func TestResolvePrefersIPv4(t *testing.T) {
	n := multiNet{"dual": {"::5", "10.0.0.5"}}
	if ip, ok := resolve(n, "dual"); !ok || ip.String() != "10.0.0.5" {
		t.Errorf("resolve = %v, %v", ip, ok)
	}
	if _, ok := resolve(n, "none"); ok {
		t.Error("an unknown host resolved")
	}
}

type multiNet map[string][]string

func (m multiNet) LookupIP(host string) ([]net.IP, error) {
	var ips []net.IP
	for _, s := range m[host] {
		ips = append(ips, net.ParseIP(s))
	}
	if len(ips) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host}
	}
	return ips, nil
}
func (multiNet) HostName(ip net.IP) string { return ip.String() }
func (multiNet) IsLocal(net.IP) bool       { return false }

// Expected orders were printed by Java's HashSet.
func TestJavaHashSetOrder(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"jn0", "jn1", "jn2"}, []string{"jn1", "jn0", "jn2"}},
		{
			[]string{"journal-a.example.com", "journal-b.example.com", "journal-c.example.com", "localhost", "10.0.0.1"},
			[]string{"journal-b.example.com", "localhost", "journal-a.example.com", "journal-c.example.com", "10.0.0.1"},
		},
		{[]string{"localhost", "localhost", "localhost"}, []string{"localhost"}},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := javaHashSetOrder(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("order(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if h := javaStringHash("jn0"); h != 105324 {
		t.Errorf(`"jn0".hashCode() = %d`, h)
	}
}

func TestSystemNetworkLoopback(t *testing.T) {
	n := SystemNetwork()
	for _, s := range []string{"127.0.0.1", "::1", "0.0.0.0"} {
		if !n.IsLocal(net.ParseIP(s)) {
			t.Errorf("%s is not local", s)
		}
	}
	if n.IsLocal(net.ParseIP("192.0.2.1")) { // TEST-NET-1, never assigned
		t.Error("192.0.2.1 is local")
	}
	if name := n.HostName(net.ParseIP("127.0.0.1")); name == "" {
		t.Error("no name for 127.0.0.1")
	}
	if name := n.HostName(net.ParseIP("192.0.2.1")); name != "192.0.2.1" {
		t.Errorf("unnamed address printed as %q", name)
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !n.IsLocal(ipn.IP) {
				t.Errorf("interface address %s is not local", ipn.IP)
			}
		}
	}
}
