package conf

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestApplyGenericOptions(t *testing.T) {
	extra := filepath.Join(t.TempDir(), "extra.xml")
	write(t, extra, site("from.conf=yes", "dfs.replication=5"))
	c := newConf(t, "dfs.replication=2")
	rest, err := ApplyGenericOptions(c, []string{
		"-D", "a=1", "-Db=2=two", "-Dnovalue", "--conf", extra, "-fs", "hdfs://other:8020",
		"-D", "dfs.replication=9", "-confKey", "-D", "x=y",
	})
	must(t, err)
	if !reflect.DeepEqual(rest, []string{"-confKey", "-D", "x=y"}) {
		t.Errorf("rest = %q: parsing must stop at the first tool argument", rest)
	}
	for key, want := range map[string]string{
		"a": "1", "b": "2=two", "from.conf": "yes", "fs.defaultFS": "hdfs://other:8020",
		"dfs.replication": "9", // -D wins over -conf
	} {
		if got := get(t, c, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if _, ok := c.Get("novalue"); ok {
		t.Error("-D without '=' must be ignored")
	}
	if _, ok := c.Get("x"); ok {
		t.Error("options after the tool's arguments were applied")
	}
}

func TestApplyGenericOptionsErrors(t *testing.T) {
	if _, err := ApplyGenericOptions(New(), []string{"-D"}); err == nil || !strings.Contains(err.Error(), "missing argument for option: D") {
		t.Errorf("missing argument: %v", err)
	}
	if _, err := ApplyGenericOptions(New(), []string{"-conf", "/nonexistent/x.xml"}); err == nil {
		t.Error("missing -conf file accepted")
	}
	rest, err := ApplyGenericOptions(New(), []string{"--", "-D", "a=b"})
	if err != nil || !reflect.DeepEqual(rest, []string{"-D", "a=b"}) {
		t.Errorf("after --: %q, %v", rest, err)
	}
}
