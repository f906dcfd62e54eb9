package compattests

import (
	"maps"
	"os"
	"testing"

	"github.com/colinmarc/hdfs/v2"
)

// Ported from colinmarc/hdfs v2.4.0 xattr_test.go and snapshot_test.go
// (see upstream_test.go).

// keysNotFound is the message of the library's unexported
// errXAttrKeysNotFound.
const keysNotFound = "one or more keys not found"

func checkXAttrs(t *testing.T, got, want map[string]string) {
	t.Helper()
	if !maps.Equal(got, want) || len(got) != len(want) {
		t.Errorf("xattrs %v, want %v", got, want)
	}
}

// setFooBar sets upstream's two attributes.
func setFooBar(t *testing.T, c *hdfs.Client, p string) {
	t.Helper()
	must(t, c.SetXAttr(p, "user.foo", "baz"))
	must(t, c.SetXAttr(p, "user.bar", "qux"))
}

func TestUpstream_ListXAttrs(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	setFooBar(t, c, "/_test/xattributes")
	got, err := c.ListXAttrs("/_test/xattributes")
	must(t, err)
	checkXAttrs(t, got, map[string]string{"user.foo": "baz", "user.bar": "qux"})
}

func TestUpstream_ListXAttrsNonexistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	got, err := c.ListXAttrs("/_test/nonexistent")
	checkPathError(t, err, "list xattrs", "/_test/nonexistent", os.ErrNotExist)
	if got != nil {
		t.Errorf("xattrs %v, want nil", got)
	}
}

func TestUpstream_ListXAttrsEmpty(t *testing.T) {
	_, c, _ := upstreamClients(t)
	touch(t, c, "/_test/emptyfile")
	got, err := c.ListXAttrs("/_test/emptyfile")
	must(t, err)
	checkXAttrs(t, got, map[string]string{})
}

// Upstream sets and lists the attributes of /_test/xattributes here, not
// of the directory it creates (a slip, surely); this port uses the
// directory.
func TestUpstream_ListXAttrsDir(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributesdir")
	mkdirp(t, c, "/_test/xattributesdir")
	setFooBar(t, c, "/_test/xattributesdir")
	got, err := c.ListXAttrs("/_test/xattributesdir")
	must(t, err)
	checkXAttrs(t, got, map[string]string{"user.foo": "baz", "user.bar": "qux"})
}

// Upstream skips this test: "HDP 2.6.x doesn't seem to throw an error for
// this one". Nor does Hadoop 3: listXAttrs needs only EXECUTE on the
// parent (FSDirXAttrOp.listXAttrs), and /_test is 0777. So the port checks
// that the call succeeds.
func TestUpstream_ListXAttrsWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	baleet(t, c, "/_test/accessdenied")
	touchMask(t, c, "/_test/accessdenied", 0o700)
	if _, err := c2.ListXAttrs("/_test/accessdenied"); err != nil {
		t.Errorf("ListXAttrs as another user: %v, want success as in Hadoop", err)
	}
}

func TestUpstream_GetXAttrs(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	setFooBar(t, c, "/_test/xattributes")
	got, err := c.GetXAttrs("/_test/xattributes", "user.foo", "user.bar")
	must(t, err)
	checkXAttrs(t, got, map[string]string{"user.foo": "baz", "user.bar": "qux"})
}

func TestUpstream_GetXAttrsNonexistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	got, err := c.GetXAttrs("/_test/nonexistent", "user.foo")
	checkPathError(t, err, "get xattrs", "/_test/nonexistent", os.ErrNotExist)
	if got != nil {
		t.Errorf("xattrs %v, want nil", got)
	}
}

func TestUpstream_GetXAttrsEmpty(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	got, err := c.GetXAttrs("/_test/xattributes")
	must(t, err)
	checkXAttrs(t, got, map[string]string{})
}

func TestUpstream_GetXAttrsNoKeys(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	must(t, c.SetXAttr("/_test/xattributes", "user.foo", "bar"))
	got, err := c.GetXAttrs("/_test/xattributes")
	must(t, err)
	checkXAttrs(t, got, map[string]string{})
}

func TestUpstream_GetXAttrsNonexistentKeys(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	must(t, c.SetXAttr("/_test/xattributes", "user.foo", "bar"))
	got, err := c.GetXAttrs("/_test/xattributes", "user.baz")
	checkPathErrorText(t, err, "get xattrs", "/_test/xattributes", keysNotFound)
	if got != nil {
		t.Errorf("xattrs %v, want nil", got)
	}
}

func TestUpstream_GetXAttrsWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	baleet(t, c, "/_test/accessdenied")
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	_, err := c2.GetXAttrs("/_test/accessdenied", "user.foo")
	checkPathError(t, err, "get xattrs", "/_test/accessdenied", os.ErrPermission)
}

// Upstream relies on /_test/xattributes left by an earlier test.
func TestUpstream_GetXAttrsTrusted(t *testing.T) {
	_, c, _ := upstreamClients(t)
	touch(t, c, "/_test/xattributes")
	got, err := c.GetXAttrs("/_test/xattributes", "trusted.foo")
	checkPathError(t, err, "get xattrs", "/_test/xattributes", os.ErrPermission)
	if got != nil {
		t.Errorf("xattrs %v, want nil", got)
	}
}

func TestUpstream_SetXAttrNonexistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	checkPathError(t, c.SetXAttr("/_test/nonexistent", "user.foo", "baz"), "set xattr", "/_test/nonexistent", os.ErrNotExist)
}

func TestUpstream_SetXAttrWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	baleet(t, c, "/_test/accessdenied")
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	checkPathError(t, c2.SetXAttr("/_test/accessdenied", "user.foo", "baz"), "set xattr", "/_test/accessdenied", os.ErrPermission)
}

func TestUpstream_SetXAttrsTrusted(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	checkPathError(t, c.SetXAttr("/_test/xattributes", "trusted.foo", "alert"), "set xattr", "/_test/xattributes", os.ErrPermission)
}

func TestUpstream_RemoveXAttrs(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	setFooBar(t, c, "/_test/xattributes")
	got, err := c.ListXAttrs("/_test/xattributes")
	must(t, err)
	checkXAttrs(t, got, map[string]string{"user.foo": "baz", "user.bar": "qux"})
	must(t, c.RemoveXAttr("/_test/xattributes", "user.bar"))
	got, err = c.ListXAttrs("/_test/xattributes")
	must(t, err)
	checkXAttrs(t, got, map[string]string{"user.foo": "baz"})
}

func TestUpstream_RemoveXAttrsNonexistent(t *testing.T) {
	_, c, _ := upstreamClients(t)
	checkPathError(t, c.RemoveXAttr("/_test/nonexistent", "user.foo"), "remove xattr", "/_test/nonexistent", os.ErrNotExist)
}

func TestUpstream_RemoveXAttrsEmpty(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	checkPathErrorText(t, c.RemoveXAttr("/_test/xattributes", "user.foo"), "remove xattr", "/_test/xattributes", keysNotFound)
}

func TestUpstream_RemoveXAttrsNoMatchingKey(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	must(t, c.SetXAttr("/_test/xattributes", "user.foo", "baz"))
	checkPathErrorText(t, c.RemoveXAttr("/_test/xattributes", "user.bar"), "remove xattr", "/_test/xattributes", keysNotFound)
}

func TestUpstream_RemoveXAttrsWithoutPermission(t *testing.T) {
	_, c, c2 := upstreamClients(t)
	baleet(t, c, "/_test/accessdenied")
	mkdirpMask(t, c, "/_test/accessdenied", 0o700)
	touch(t, c, "/_test/xattributes")
	must(t, c.SetXAttr("/_test/xattributes", "user.foo", "baz"))
	checkPathError(t, c2.RemoveXAttr("/_test/accessdenied", "user.foo"), "remove xattr", "/_test/accessdenied", os.ErrPermission)
}

func TestUpstream_RemoveXAttrsTrusted(t *testing.T) {
	_, c, _ := upstreamClients(t)
	baleet(t, c, "/_test/xattributes")
	touch(t, c, "/_test/xattributes")
	checkPathError(t, c.RemoveXAttr("/_test/xattributes", "trusted.foo"), "remove xattr", "/_test/xattributes", os.ErrPermission)
}

func TestUpstream_AllowSnapshot(t *testing.T) {
	nn, c, _ := upstreamClients(t)
	su := newClient(t, nn, superuser(t))
	su.DeleteSnapshot("/_test/allowsnaps", "snap")
	mkdirp(t, c, "/_test/allowsnaps")
	must(t, su.AllowSnapshots("/_test/allowsnaps"))
	p, err := su.CreateSnapshot("/_test/allowsnaps", "snap")
	must(t, err)
	if p != "/_test/allowsnaps/.snapshot/snap" {
		t.Errorf("snapshot path %s", p)
	}
}

func TestUpstream_DisallowSnapshot(t *testing.T) {
	nn, c, _ := upstreamClients(t)
	su := newClient(t, nn, superuser(t))
	su.DeleteSnapshot("/_test/allowsnaps", "snap")
	mkdirp(t, c, "/_test/allowsnaps")
	must(t, su.DisallowSnapshots("/_test/allowsnaps"))
	if _, err := su.CreateSnapshot("/_test/allowsnaps", "snap"); err == nil {
		t.Error("CreateSnapshot on a disallowed directory succeeded")
	}
}

func TestUpstream_DeleteSnapshot(t *testing.T) {
	nn, c, _ := upstreamClients(t)
	su := newClient(t, nn, superuser(t))
	su.DeleteSnapshot("/_test/deletesnaps", "snap")
	mkdirp(t, c, "/_test/deletesnaps")
	must(t, su.AllowSnapshots("/_test/deletesnaps"))
	p, err := su.CreateSnapshot("/_test/deletesnaps", "snap")
	must(t, err)
	fi, err := su.Stat(p)
	must(t, err)
	if !fi.IsDir() {
		t.Errorf("%s is not a directory", p)
	}
	must(t, su.DeleteSnapshot("/_test/deletesnaps", "snap"))
	_, err = su.Stat(p)
	checkPathError(t, err, "stat", p, os.ErrNotExist)
}
