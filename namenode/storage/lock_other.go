//go:build !unix

package storage

import "os"

// lockFile writes owner into name. Without fcntl locks only the table of
// locks this process holds protects the directory.
func lockFile(name, owner string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(owner); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
