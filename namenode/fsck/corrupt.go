package fsck

import (
	"fmt"
	"strconv"
)

// maxCorruptFileBlocks is dfs.corruptfilesreturned.max: the most lines
// one -list-corruptfileblocks answer carries; DFSck asks again with the
// cookie until the server says there are no more.
const maxCorruptFileBlocks = 500

// listCorruptFileBlocks answers -list-corruptfileblocks: the blocks under
// the path that have no usable replica ("blk_<id>\t<replication>\t<path>"),
// paged by a cookie. Hadoop pages through the block manager's queue of
// corrupt blocks; here the cookie counts such blocks in walk order under
// the path (snapshots are not searched).
func (r *run) listCorruptFileBlocks() error {
	skip := 0
	if r.o.StartBlockAfter != "" {
		n, err := strconv.Atoi(r.o.StartBlockAfter)
		if err != nil {
			return fmt.Errorf("For input string: \"%s\"", r.o.StartBlockAfter)
		}
		skip = max(n, 0)
	}
	var lines []string
	seen := 0
	err := r.walkFiles(r.o.Path, func(path string, in Inode, fb *FileBlocks) bool {
		for i := range fb.Blocks {
			b := &fb.Blocks[i]
			if !unusable(b) {
				continue
			}
			seen++
			if seen <= skip {
				continue
			}
			lines = append(lines, "blk_"+strconv.FormatInt(b.ID, 10)+"\t"+strconv.Itoa(in.Replication)+"\t"+path)
			if len(lines) >= maxCorruptFileBlocks {
				return false
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	cookie := max(seen, skip)
	filler := "no more"
	switch {
	case len(lines) > 0:
		filler = strconv.Itoa(len(lines))
	case cookie == 0:
		filler = "no"
	}
	r.println("Cookie:\t" + strconv.Itoa(cookie))
	for _, l := range lines {
		r.println(l)
	}
	r.println("\n\nThe filesystem under path '" + r.o.Path + "' has " + filler + " CORRUPT files")
	r.println("")
	return nil
}

// unusable: no replica a reader or a re-replication could use (the block
// manager's queue of corrupt blocks).
func unusable(b *Block) bool {
	c := countReplicas(b)
	return c.live+c.readOnly+c.decommissioned+c.decommissioning+c.enteringMaintenance+c.inMaintenance == 0
}

// walkFiles calls fn for each file under path in name order, without
// going into snapshots; fn returns false to stop.
func (r *run) walkFiles(path string, fn func(string, Inode, *FileBlocks) bool) error {
	in, ok, err := r.src.Stat(path)
	if err != nil || !ok {
		return err
	}
	_, err = r.walkFile(path, in, fn)
	return err
}

func (r *run) walkFile(path string, in Inode, fn func(string, Inode, *FileBlocks) bool) (bool, error) {
	switch in.Kind {
	case Symlink:
		return true, nil
	case File:
		fb, ok, err := r.src.Blocks(path)
		if err != nil || !ok {
			return err == nil, err
		}
		return fn(path, in, &fb), nil
	}
	children, err := r.src.List(path)
	if err != nil {
		return false, err
	}
	for _, c := range children {
		more, err := r.walkFile(fullName(path, c.Name), c, fn)
		if err != nil || !more {
			return more, err
		}
	}
	return true, nil
}
