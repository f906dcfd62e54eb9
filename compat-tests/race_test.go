//go:build race

package compattests

// Under "go test -race" the test NameNode is built with -race too, and a
// race in it makes it exit with status 66, which stop reports.
func init() { raceBuild = true }
