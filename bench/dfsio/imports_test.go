package dfsio

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLinksNoProtobufs keeps this package linkable into hdfsd and into
// hdfsd-dfsio: it must import neither the stock client nor hdfsd's
// protobuf packages, which cannot share a binary.
func TestLinksNoProtobufs(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	banned := []string{"github.com/colinmarc/", "github.com/hdfsd/hdfsd/protos", "github.com/hdfsd/hdfsd/hadooprpc", "google.golang.org/protobuf"}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, b := range banned {
				if strings.HasPrefix(path, b) {
					t.Errorf("%s imports %s", name, path)
				}
			}
		}
	}
}
