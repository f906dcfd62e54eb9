//go:build !linux

package journal

// dataSync is Sync where fdatasync is not available.
func dataSync(f interface{ Sync() error }) error { return f.Sync() }
