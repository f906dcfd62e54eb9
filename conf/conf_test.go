package conf

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResourceOrder(t *testing.T) {
	tests := []struct {
		name string
		core string
		hdfs string
		sets map[string]string
		key  string
		want string
	}{
		{"later resource overrides earlier", site("dfs.replication=1"), site("dfs.replication=2"), nil, "dfs.replication", "2"},
		{"final wins over later resource", site("dfs.blocksize=1m!"), site("dfs.blocksize=2m"), nil, "dfs.blocksize", "1m"},
		{"final in hdfs-site keeps its own value", "", site("dfs.ls.limit=5!"), nil, "dfs.ls.limit", "5"},
		{"-D overrides files", "", site("dfs.replication=2"), map[string]string{"dfs.replication": "7"}, "dfs.replication", "7"},
		{"-D overrides even final", site("fs.trash.interval=5!"), "", map[string]string{"fs.trash.interval": "9"}, "fs.trash.interval", "9"},
		{"hdfs-default overrides core-site (Hadoop loads it after)", site("dfs.replication=1"), "", nil, "dfs.replication", "3"},
		{"core-site overrides core-default", site("fs.defaultFS=hdfs://nn:8020"), "", nil, "fs.defaultFS", "hdfs://nn:8020"},
		{"deprecated key in a file sets the new key", site("fs.default.name=hdfs://old:9000"), "", nil, "fs.defaultFS", "hdfs://old:9000"},
		{"deprecated key reads the new key", "", site("dfs.blocksize=64m"), nil, "dfs.block.size", "64m"},
		{"-D of a deprecated key sets the new key", "", "", map[string]string{"dfs.permissions": "false"}, "dfs.permissions.enabled", "false"},
		{"key names are trimmed", "", site(" dfs.replication \n=4"), nil, "dfs.replication", "4"},
		{"values are not trimmed", "", site("my.key= padded "), nil, "my.key", " padded "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, hdfs := tt.core, tt.hdfs
			if core == "" {
				core = site()
			}
			if hdfs == "" {
				hdfs = site()
			}
			c, err := Load(confDir(t, core, hdfs), quiet, testSys)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.sets {
				c.Set(k, v)
			}
			if got := get(t, c, tt.key); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestFinalOverrideIsReportedOnlyWhenTheValueDiffers(t *testing.T) {
	c, err := Load(confDir(t, site("a.key=1!"), site("a.key=1", "b.key=x")), quiet)
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("same value warned: %q", w)
	}
	c, err = Load(confDir(t, site("a.key=1!"), site("a.key=2")), quiet)
	if err != nil {
		t.Fatal(err)
	}
	w := c.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "an attempt to override final parameter: a.key") {
		t.Errorf("warnings = %q", w)
	}
	if !c.IsFinal("a.key") {
		t.Error("a.key is not final")
	}
}

func TestFinalWithoutValueStillLocksTheKey(t *testing.T) {
	c := New(quiet)
	must(t, c.AddXML("a.xml", []byte(`<configuration><property><name>k</name><final>true</final></property></configuration>`)))
	must(t, c.AddXML("b.xml", []byte(site("k=later"))))
	if v, ok := c.Get("k"); ok {
		t.Errorf("k = %q, want unset: the final flag of a value-less property sticks", v)
	}
}

func TestPropertyForms(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<!-- comment -->
<configuration>
  <property name="attr.key" value="attr-value" final="true"/>
  <property><name>empty.value</name><value></value></property>
  <property><name>missing.value</name></property>
  <property name="empty.attr" value=""/>
  <property><name>cdata</name><value><![CDATA[a<b]]></value></property>
  <property><name>entities</name><value>&lt;&amp;&#65;</value></property>
  <property><name>not.final</name><value>v</value><final> true </final></property>
  <property><name>split</name><value>a<!-- c -->b</value></property>
  <property><value>nameless</value></property>
</configuration>`
	props, err := ParseXML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Property{
		{Name: "attr.key", Value: "attr-value", HasValue: true, Final: true},
		{Name: "empty.value"},
		{Name: "missing.value"},
		{Name: "empty.attr", HasValue: true},
		{Name: "cdata", Value: "a<b", HasValue: true},
		{Name: "entities", Value: "<&A", HasValue: true},
		{Name: "not.final", Value: "v", HasValue: true},
		{Name: "split", Value: "ab", HasValue: true},
	}
	if len(props) != len(want) {
		t.Fatalf("got %d properties %+v, want %d", len(props), props, len(want))
	}
	for i := range want {
		if props[i] != want[i] {
			t.Errorf("property %d = %+v, want %+v", i, props[i], want[i])
		}
	}
}

func TestMalformedResourcesAreErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"empty file":       "",
		"unclosed element": "<configuration><property>",
		"two roots":        "<configuration/><configuration/>",
		"text outside":     "junk<configuration/>",
		"unknown entity":   "<configuration><property><name>a</name><value>&nope;</value></property></configuration>",
		"unknown encoding": `<?xml version="1.0" encoding="EBCDIC"?><configuration/>`,
	} {
		if _, err := ParseXML([]byte(doc)); err == nil || !strings.HasPrefix(err.Error(), "conf: ") {
			t.Errorf("%s: err = %v, want a conf: error", name, err)
		}
	}
}

func TestLatin1Resource(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><configuration><property><name>k</name><value>caf\xe9</value></property></configuration>"
	props, err := ParseXML([]byte(doc))
	if err != nil || len(props) != 1 || props[0].Value != "café" {
		t.Fatalf("props = %+v, err = %v", props, err)
	}
}

func TestIncludeIsInlinedAndFallbackUsedWhenMissing(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "extra.xml"), site("from.include=yes"))
	write(t, filepath.Join(dir, "hdfs-site.xml"), `<configuration xmlns:xi="http://www.w3.org/2001/XInclude">
  <property><name>before</name><value>1</value></property>
  <xi:include href="extra.xml"><xi:fallback><property><name>skipped</name><value>x</value></property></xi:fallback></xi:include>
  <xi:include href="missing.xml"><xi:fallback><property><name>from.fallback</name><value>yes</value></property></xi:fallback></xi:include>
</configuration>`)
	c := New(quiet)
	must(t, c.AddFile(filepath.Join(dir, "hdfs-site.xml")))
	for key, want := range map[string]string{"before": "1", "from.include": "yes", "from.fallback": "yes"} {
		if got := get(t, c, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if _, ok := c.Get("skipped"); ok {
		t.Error("fallback of a successful include was applied")
	}
}

func TestMissingIncludeWithoutFallbackFails(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.xml"), `<configuration><include href="nope.xml"/></configuration>`)
	err := New().AddFile(filepath.Join(dir, "a.xml"))
	if err == nil || !strings.Contains(err.Error(), "fetch fail on include for 'nope.xml' with no fallback") {
		t.Fatalf("err = %v", err)
	}
}

func TestIncludeCycleIsBounded(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.xml"), `<configuration><include href="a.xml"/></configuration>`)
	if err := New().AddFile(filepath.Join(dir, "a.xml")); err == nil {
		t.Fatal("self-include loaded")
	}
}

func TestLoadSkipsMissingSiteFilesButNotBrokenOnes(t *testing.T) {
	c, err := Load(t.TempDir(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, c, "fs.defaultFS"); got != "file:///" {
		t.Errorf("fs.defaultFS = %q", got)
	}
	if _, err := Load(confDir(t, "<configuration>", site())); err == nil {
		t.Error("broken core-site.xml loaded")
	}
	if err := New().AddFile(filepath.Join(t.TempDir(), "absent.xml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("AddFile of a missing file: %v", err)
	}
}

func TestConfDir(t *testing.T) {
	home := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(home, "etc", "hadoop"), 0o755))
	t.Setenv("HADOOP_CONF_DIR", "")
	t.Setenv("HADOOP_HOME", "")
	if got := ConfDir(""); got != "" {
		t.Errorf("nothing set: %q", got)
	}
	t.Setenv("HADOOP_HOME", home)
	if got := ConfDir(""); got != filepath.Join(home, "etc", "hadoop") {
		t.Errorf("HADOOP_HOME: %q", got)
	}
	write(t, filepath.Join(home, "etc", "hadoop-env.sh"), "")
	must(t, os.MkdirAll(filepath.Join(home, "conf"), 0o755))
	write(t, filepath.Join(home, "conf", "hadoop-env.sh"), "")
	if got := ConfDir(""); got != filepath.Join(home, "conf") {
		t.Errorf("old layout: %q", got)
	}
	t.Setenv("HADOOP_CONF_DIR", "/etc/hadoop/conf")
	if got := ConfDir(""); got != "/etc/hadoop/conf" {
		t.Errorf("HADOOP_CONF_DIR: %q", got)
	}
	if got := ConfDir("/opt/conf"); got != "/opt/conf" {
		t.Errorf("--config: %q", got)
	}
}

func TestCloneIsIndependent(t *testing.T) {
	c := newConf(t, "a=1")
	d := c.Clone()
	d.Set("a", "2")
	d.Unset("b")
	if get(t, c, "a") != "1" || get(t, d, "a") != "2" {
		t.Error("clone shares state")
	}
	if keys := c.Keys(); len(keys) != 1 || keys[0] != "a" {
		t.Errorf("keys = %q", keys)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
