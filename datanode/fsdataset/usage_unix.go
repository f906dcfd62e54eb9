//go:build unix

package fsdataset

import "syscall"

func statfs(dir string) (Usage, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return Usage{}, err
	}
	bs := int64(st.Bsize)
	capacity := int64(st.Blocks) * bs
	return Usage{
		Capacity:  capacity,
		Used:      capacity - int64(st.Bfree)*bs,
		Available: int64(st.Bavail) * bs,
	}, nil
}

// linkCount is the number of hard links of a file (1 when unknown).
func linkCount(fi interface{ Sys() any }) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
