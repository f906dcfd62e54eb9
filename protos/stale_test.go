package protos

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedCodeIsCurrent regenerates the Go code from the .proto files
// into a scratch folder and requires it to equal what is checked in.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if _, err := exec.LookPath("protoc"); err != nil {
		t.Fatal("protoc not found: apt-get install protobuf-compiler (make deps)")
	}
	plugin, err := exec.Command("go", "tool", "-n", "protoc-gen-go").Output()
	if err != nil {
		t.Fatalf("locating protoc-gen-go: %v", err)
	}
	protoFiles, err := filepath.Glob("*.proto")
	if err != nil || len(protoFiles) == 0 {
		t.Fatalf("no .proto files: %v", err)
	}
	out := t.TempDir()
	args := append([]string{
		"--plugin=protoc-gen-go=" + strings.TrimSpace(string(plugin)),
		"--go_out=" + out, "--go_opt=module=github.com/hdfsd/hdfsd", "-I.",
	}, protoFiles...)
	if msg, err := exec.Command("protoc", args...).CombinedOutput(); err != nil {
		t.Fatalf("protoc: %v\n%s", err, msg)
	}
	fresh := goFiles(t, filepath.Join(out, "protos"))
	current := goFiles(t, ".")
	for name, want := range fresh {
		got, ok := current[name]
		switch {
		case !ok:
			t.Errorf("%s is missing: run make protos", name)
		case !bytes.Equal(got, want):
			t.Errorf("%s is stale: run make protos", name)
		}
	}
	for name := range current {
		if _, ok := fresh[name]; !ok {
			t.Errorf("%s is not generated from any .proto file: delete it or run make protos", name)
		}
	}
}

// goFiles reads every .pb.go file under root, keyed by its path below root.
func goFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".pb.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[rel], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
