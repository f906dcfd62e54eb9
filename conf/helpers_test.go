package conf

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// quiet keeps test output free of expected warnings.
var quiet = WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

// testSys fixes the Java system properties so expansions are stable.
var testSys = WithSystemProperties(map[string]string{"user.name": "hdfs", "user.home": "/home/hdfs"})

// noEnv is an empty environment.
var noEnv = WithEnv(func(string) (string, bool) { return "", false })

// env builds an environment from pairs.
func env(pairs ...string) Option {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return WithEnv(func(k string) (string, bool) { v, ok := m[k]; return v, ok })
}

// site renders properties as a Hadoop XML resource; each entry is
// "name=value" or "name=value!" for a final property.
func site(entries ...string) string {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\"?>\n<configuration>\n")
	for _, e := range entries {
		name, value, _ := strings.Cut(e, "=")
		final := strings.HasSuffix(value, "!")
		value = strings.TrimSuffix(value, "!")
		fmt.Fprintf(&b, "  <property><name>%s</name><value>%s</value>", name, value)
		if final {
			b.WriteString("<final>true</final>")
		}
		b.WriteString("</property>\n")
	}
	b.WriteString("</configuration>\n")
	return b.String()
}

// confDir writes core-site.xml and hdfs-site.xml into a temporary dir.
func confDir(t *testing.T, core, hdfs string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "core-site.xml"), core)
	write(t, filepath.Join(dir, "hdfs-site.xml"), hdfs)
	return dir
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newConf is an empty Conf with the given hdfs-site style entries.
func newConf(t *testing.T, entries ...string) *Conf {
	t.Helper()
	c := New(quiet, testSys, noEnv)
	if err := c.AddXML("test-site.xml", []byte(site(entries...))); err != nil {
		t.Fatal(err)
	}
	return c
}

func get(t *testing.T, c *Conf, key string) string {
	t.Helper()
	v, ok := c.Get(key)
	if !ok {
		t.Fatalf("%s is not set", key)
	}
	return v
}

// fakeNet is a Network with a fixed name table and set of local addresses.
type fakeNet struct {
	hosts map[string]string // host name -> address
	names map[string]string // address -> host name (reverse)
	local map[string]bool   // addresses of this machine, besides loopback
}

// loopbackNet names 127.0.0.1 "localhost", as the machine that recorded
// the Hadoop 3.3.2 test data did.
func loopbackNet() *fakeNet {
	return &fakeNet{
		hosts: map[string]string{"localhost": "127.0.0.1"},
		names: map[string]string{"127.0.0.1": "localhost"},
		local: map[string]bool{},
	}
}

func (f *fakeNet) LookupIP(host string) ([]net.IP, error) {
	if ip, ok := f.hosts[host]; ok {
		return []net.IP{net.ParseIP(ip)}, nil
	}
	return nil, fmt.Errorf("no such host %s", host)
}

func (f *fakeNet) HostName(ip net.IP) string {
	if n, ok := f.names[ip.String()]; ok {
		return n
	}
	return javaIPString(ip)
}

func (f *fakeNet) IsLocal(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsUnspecified() || f.local[ip.String()]
}
