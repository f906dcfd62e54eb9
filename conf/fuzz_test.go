package conf

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParseXML feeds arbitrary bytes to the XML loader: it must never
// panic, and whatever it accepts must load into a Conf and read back.
func FuzzParseXML(f *testing.F) {
	f.Add([]byte(site("a=1", "b=${a}!")))
	f.Add([]byte(`<configuration><property name="x" value="y" final="true"/></configuration>`))
	f.Add([]byte(`<configuration><include href="x.xml"><fallback><property><name>a</name><value>b</value></property></fallback></include></configuration>`))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><configuration><property><name>k</name><value>caf` + "\xe9" + `</value></property></configuration>`))
	f.Add([]byte("<a><![CDATA[x]]></a>"))
	for _, dir := range []string{"ha-conf/nn1", "p-conf/client"} {
		for _, name := range []string{"core-site.xml", "hdfs-site.xml"} {
			if data, err := os.ReadFile(filepath.Join(goldenDir, dir, name)); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		props, err := ParseXML(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "conf: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		c := New(quiet, noEnv)
		c.addProperties("fuzz", props)
		for _, p := range props {
			c.Get(p.Name)
			c.GetStrings(p.Name)
			_, _ = c.GetSize(p.Name, 0)
			_, _ = c.GetDuration(p.Name, 0, time.Second)
		}
	})
}

// FuzzExpand checks that expansion always terminates without panicking,
// whatever the values and references.
func FuzzExpand(f *testing.F) {
	f.Add("${a}", "${b}", "x${env.HOME:-d}${a")
	f.Add("${a}${a}${a}", "${a}", "${user.name}")
	f.Add("$${}}{${", "}${", "${env.-}")
	f.Fuzz(func(t *testing.T, a, b, probe string) {
		c := New(quiet, env("HOME", "/h"))
		c.Set("a", a)
		c.Set("b", b)
		c.Set("probe", probe)
		_, _, _ = c.Lookup("probe")
		_, _, _ = c.Lookup("a")
	})
}

// FuzzParseAddr checks the address and URI parsers never panic and that
// an accepted address prints as something that parses to itself.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"nn:8020", "[::1]:1", "hdfs://h:1/p", "a@b:1", "1.2.3.4:5", "h]:1", "%zz", "qjournal://a;b/j"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseQJournal(s)
		a, err := ParseAddr(s, 8020)
		if err != nil {
			return
		}
		b, err := ParseAddr(a.String(), -1)
		if err != nil || b != a {
			t.Fatalf("%q -> %v -> %v, %v", s, a, b, err)
		}
	})
}

// FuzzGetConf runs every getconf command over a fuzzed configuration.
func FuzzGetConf(f *testing.F) {
	f.Add("ns1", "nn1,nn2", "127.0.0.1:1", "qjournal://a;b/j", "hdfs://ns1")
	f.Add("", "", "h", "file:///x", "local")
	f.Fuzz(func(t *testing.T, nameservices, nnIDs, addr, shared, defaultFS string) {
		c := New(quiet, noEnv)
		c.Set("dfs.nameservices", nameservices)
		for _, ns := range orUnnamed(c.GetStringSet("dfs.nameservices")) {
			c.Set(SuffixKey("dfs.ha.namenodes", ns), nnIDs)
			for _, nn := range orUnnamed(c.GetStringSet(SuffixKey("dfs.ha.namenodes", ns))) {
				c.Set(SuffixKey("dfs.namenode.rpc-address", ns, nn), addr)
			}
		}
		c.Set("dfs.namenode.shared.edits.dir", shared)
		c.Set("fs.defaultFS", defaultFS)
		for _, cmd := range getConfCommands {
			RunGetConf(c, loopbackNet(), []string{cmd.flag}, io.Discard, io.Discard)
		}
		_, _, _ = LocalNameNode(c, loopbackNet())
		_, _ = ReadNameservices(c)
	})
}
