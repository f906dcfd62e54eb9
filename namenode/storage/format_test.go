package storage

import (
	"bytes"
	"crypto/md5"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// emptyImage is what the test ImageSaver writes as fsimage_0.
var emptyImage = []byte("HDFSIMG1 empty namespace")

func saveEmpty(w io.Writer) error { _, err := w.Write(emptyImage); return err }

func fixedFormat() FormatOptions {
	return FormatOptions{Now: fixedClock, Rand: &counter{}, IP: "10.1.2.3", SaveImage: saveEmpty}
}

// NNStorage.format writes every directory: VERSION (a NAME_NODE, current
// layout, the new IDs, the format time as cTime) and seen_txid 0; the
// image directories also get fsimage_0 and its .md5 (FSImage.format saves
// the empty namespace). An edits-only directory gets no image.
func TestFormatWritesEveryDirectoryLikeNNStorageFormat(t *testing.T) {
	m := NewMemFS()
	dirs := NewDirs([]string{"/n1", "/both"}, []string{"/both", "/e1"})
	v, err := Format(m, dirs, fixedFormat())
	if err != nil {
		t.Fatal(err)
	}
	if v.LayoutVersion != LayoutVersion || v.StorageType != NodeNameNode || v.CTime != fixedClock().UnixMilli() {
		t.Errorf("version %+v", v)
	}
	sum := md5.Sum(emptyImage)
	for _, d := range dirs.Healthy() {
		data, err := m.ReadFile(d.File(FileVersion))
		if err != nil {
			t.Fatalf("%s: %v", d.Root, err)
		}
		if want := v.Marshal(OrderJava9, fixedClock()); !bytes.Equal(data, want) {
			t.Errorf("%s VERSION:\n%s\nwant\n%s", d.Root, data, want)
		}
		if got, _ := m.ReadFile(d.File(FileSeenTxID)); string(got) != "0\n" {
			t.Errorf("%s seen_txid %q, want \"0\\n\"", d.Root, got)
		}
		img, imgErr := m.ReadFile(d.File(ImageName(0)))
		md, _ := m.ReadFile(d.File(MD5Name(ImageName(0))))
		switch {
		case !d.Holds(RoleImage):
			if imgErr == nil {
				t.Errorf("%s (EDITS) holds an image", d.Root)
			}
		case !bytes.Equal(img, emptyImage):
			t.Errorf("%s image %q (%v)", d.Root, img, imgErr)
		case string(md) != string(MD5Line(sum, "fsimage_0000000000000000000")):
			t.Errorf("%s md5 %q", d.Root, md)
		}
		names, _ := m.ReadDir(d.Current())
		for _, n := range names {
			if strings.HasSuffix(n, ".tmp") || strings.HasPrefix(n, "fsimage.ckpt") {
				t.Errorf("%s: %s left behind", d.Root, n)
			}
		}
		if _, err := m.Stat(d.Root + "/" + FileLock); err == nil {
			t.Errorf("%s: in_use.lock left after format", d.Root)
		}
		if st, _ := m.Stat(d.Current()); st.Mode().Perm() != CurrentDirPerm {
			t.Errorf("%s/current mode %v, want %v", d.Root, st.Mode().Perm(), CurrentDirPerm)
		}
	}
	if len(dirs.Failures()) != 0 {
		t.Errorf("failures %v", dirs.Failures())
	}
}

// The VERSION Format writes is one Hadoop reads: its key order and shape
// match the nn-namedir capture's (-format on Hadoop 3.3.2, JDK 17).
func TestFormatVersionFileHasHadoopsShape(t *testing.T) {
	m := NewMemFS()
	if _, err := Format(m, NewDirs([]string{"/nn"}, []string{"/nn"}), fixedFormat()); err != nil {
		t.Fatal(err)
	}
	data, _ := m.ReadFile("/nn/current/VERSION")
	real := mustRead(t, extract(t, "hadoop-3.3.2", "nn-namedir.tgz")+"/nn/current/VERSION")
	if got, want := keysOf(t, data), keysOf(t, real); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("keys %v, Hadoop wrote %v", got, want)
	}
	if got, want := lines(data)[0], "#Mon Nov 23 10:53:40 UTC 2026"; got != want {
		t.Errorf("date line %q, want %q", got, want)
	}
}

var (
	cidRE = regexp.MustCompile(`^CID-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	bpRE  = regexp.MustCompile(`^BP-(\d+)-10\.1\.2\.3-(\d+)$`)
)

// NNStorage.newNamespaceInfo: -clusterid is kept as given, otherwise a
// "CID-" random UUID; the block pool is "BP-<31-bit random>-<ip>-<ms>"
// with the format time, which is also cTime; namespaceID is never 0.
func TestFormatIDsLikeNewNamespaceInfo(t *testing.T) {
	for _, c := range []struct {
		name, given string
	}{{"clusterid given", "CID-given-by-operator"}, {"clusterid generated", ""}} {
		t.Run(c.name, func(t *testing.T) {
			opt := fixedFormat()
			opt.ClusterID = c.given
			opt.Rand = nil // crypto/rand, as in production
			v, err := Format(NewMemFS(), NewDirs([]string{"/nn"}, nil), opt)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.given != "" && v.ClusterID != c.given:
				t.Errorf("clusterID %q, want %q", v.ClusterID, c.given)
			case c.given == "" && !cidRE.MatchString(v.ClusterID):
				t.Errorf("clusterID %q is not CID-<uuid v4>", v.ClusterID)
			}
			m := bpRE.FindStringSubmatch(v.BlockPoolID)
			if m == nil {
				t.Fatalf("blockpoolID %q is not BP-<rand>-10.1.2.3-<ms>", v.BlockPoolID)
			}
			if r, _ := strconv.ParseInt(m[1], 10, 64); r >= 1<<31-1 {
				t.Errorf("block pool random %d is not below 2^31-1", r)
			}
			if m[2] != strconv.FormatInt(v.CTime, 10) {
				t.Errorf("block pool time %s, cTime %d", m[2], v.CTime)
			}
			if v.NamespaceID <= 0 {
				t.Errorf("namespaceID %d", v.NamespaceID)
			}
		})
	}
}

// Storage.confirmFormat and NameNode.format's dfs.reformat.disabled check:
// which directories holding data are formatted over, and what is printed.
func TestFormatConfirmationLikeStorageConfirmFormat(t *testing.T) {
	const sd = "Storage Directory root= /n1; location= null"
	yes := func(string) bool { return true }
	no := func(string) bool { return false }
	for _, c := range []struct {
		name     string
		data     bool
		opt      FormatOptions
		ok       bool
		stderr   string
		prompted bool
	}{
		{name: "empty dirs need no confirmation", opt: FormatOptions{Confirm: no}, ok: true},
		{name: "-force formats over data", data: true, opt: FormatOptions{Force: true}, ok: true,
			stderr: "Data exists in " + sd + ". Formatting anyway.\n"},
		{name: "-nonInteractive refuses data", data: true, opt: FormatOptions{NonInteractive: true},
			stderr: "Running in non-interactive mode, and data appears to exist in " + sd + ". Not formatting.\n"},
		{name: "-force wins over -nonInteractive", data: true, opt: FormatOptions{Force: true, NonInteractive: true},
			ok: true, stderr: "Data exists in " + sd + ". Formatting anyway.\n"},
		{name: "operator says Y", data: true, opt: FormatOptions{Confirm: yes}, ok: true, prompted: true},
		{name: "operator says N", data: true, opt: FormatOptions{Confirm: no}, prompted: true,
			stderr: "Format aborted in " + sd + "\n"},
		{name: "no terminal counts as N", data: true, stderr: "Format aborted in " + sd + "\n"},
		{name: "reformat disabled refuses data even with -force", data: true,
			opt: FormatOptions{Force: true, ReformatDisabled: true}},
		{name: "reformat disabled formats empty dirs", opt: FormatOptions{ReformatDisabled: true}, ok: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := NewMemFS()
			if c.data {
				m.WriteFile("/n1/current/old-file", []byte("x"))
			}
			var stderr bytes.Buffer
			var prompt string
			opt := c.opt
			opt.Stderr, opt.Now, opt.Rand, opt.IP = &stderr, fixedClock, &counter{}, "10.1.2.3"
			if opt.Confirm != nil {
				answer := opt.Confirm
				opt.Confirm = func(p string) bool { prompt = p; return answer(p) }
			}
			_, err := Format(m, NewDirs([]string{"/n1"}, []string{"/n1"}), opt)
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrFormatAborted)) {
				t.Fatalf("err %v, want ok=%v (or ErrFormatAborted)", err, c.ok)
			}
			if stderr.String() != c.stderr {
				t.Errorf("stderr %q\nwant   %q", stderr.String(), c.stderr)
			}
			if want := "Re-format filesystem in " + sd + " ?"; c.prompted && prompt != want {
				t.Errorf("prompt %q, want %q", prompt, want)
			}
			_, oldErr := m.Stat("/n1/current/old-file")
			if c.data && c.ok == (oldErr == nil) {
				t.Errorf("formatted=%v but old data present=%v", c.ok, oldErr == nil)
			}
			if c.ok {
				if _, err := ReadVersion(m, "/n1"); err != nil {
					t.Errorf("after format: %v", err)
				}
			}
		})
	}
}

// The reformat-disabled refusal carries NameNode.format's message.
func TestFormatReformatDisabledMessage(t *testing.T) {
	m := NewMemFS()
	m.WriteFile("/n1/current/VERSION", []byte("x"))
	_, err := Format(m, NewDirs([]string{"/n1"}, nil), FormatOptions{Force: true, ReformatDisabled: true})
	if err == nil || !strings.Contains(err.Error(), "NameNode format aborted as reformat is disabled for this cluster.") {
		t.Errorf("err %v", err)
	}
}

// A directory that fails during format leaves the set and the others are
// formatted; when the last image directory fails, Format fails.
func TestFormatDropsFailingDirectory(t *testing.T) {
	m := NewMemFS()
	m.Inject(FailOn(OpCreate, "/n2/current", ErrInjected))
	dirs := NewDirs([]string{"/n1", "/n2"}, []string{"/n1", "/n2"})
	if _, err := Format(m, dirs, fixedFormat()); err != nil {
		t.Fatalf("one of two failed: %v", err)
	}
	if f := dirs.Failures(); len(f) != 1 || f[0].Dir.Root != "/n2" || !errors.Is(f[0].Err, ErrInjected) {
		t.Errorf("failures %v", f)
	}
	if _, err := ReadVersion(m, "/n1"); err != nil {
		t.Errorf("/n1: %v", err)
	}
	if st, err := Analyze(m, "/n2"); st != NotFormatted || err != nil {
		t.Errorf("/n2 after failed format: %v %v, want NOT_FORMATTED", st, err)
	}

	m = NewMemFS()
	m.Inject(FailOn(OpCreate, "/n1/current", ErrInjected))
	dirs = NewDirs([]string{"/n1"}, []string{"/n1", "/e"})
	if _, err := Format(m, dirs, fixedFormat()); !errors.Is(err, ErrNoDirsLeft) || !errors.Is(err, ErrInjected) {
		t.Errorf("only image dir failed: %v, want ErrNoDirsLeft wrapping the cause", err)
	}
}

// Format refuses directories another NameNode holds (Hadoop would clear
// them under it; see doc.go), and leaves them alone.
func TestFormatRefusesLockedDirectory(t *testing.T) {
	m := NewMemFS()
	l, err := LockDir(m, mkdir(t, m, "/n1"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	opt := fixedFormat()
	opt.Force = true // in_use.lock alone counts as data (hasSomeData)
	_, err = Format(m, NewDirs([]string{"/n1"}, nil), opt)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err %v, want ErrLocked", err)
	}
	if _, err := m.Stat("/n1/current"); err == nil {
		t.Error("format touched a locked directory")
	}
}

func mkdir(t testing.TB, fsys FS, dir string) string {
	t.Helper()
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
