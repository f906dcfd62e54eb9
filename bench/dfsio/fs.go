package dfsio

import (
	"context"
	"io"
)

// FS is the file system the benchmark drives. Its methods are called from
// one goroutine per file at once, so it must be safe for concurrent use.
type FS interface {
	// Create makes a new file with the given replication. It need not
	// overwrite an existing file nor make missing parents.
	Create(name string, replication int) (io.WriteCloser, error)
	Open(name string) (io.ReadCloser, error)
	// RemoveAll removes name and everything below it; a missing name is
	// not an error.
	RemoveAll(name string) error
	MkdirAll(name string) error
	Close() error
}

// Opener connects to the file system at addr (host:port, or "" for the
// NameNodes of the Hadoop configuration). The stock client's is
// stockclient.Open; this package does not import that client (see
// stockclient's doc).
type Opener func(ctx context.Context, addr string) (FS, error)
