package namespace

import "sort"

// OpenFile is a file under construction: who holds its lease.
type OpenFile struct {
	ID            int64
	Path          string
	ClientName    string
	ClientMachine string
}

// OpenFiles lists every file under construction, by inode id. The lease
// manager rebuilds its leases from it after loading an image and edits,
// and listOpenFiles reports it.
func (t *Tree) OpenFiles() []OpenFile {
	var out []OpenFile
	_ = t.read(func(v view) error {
		out = out[:0]
		for i := range t.shards {
			v.need(i)
			for slot, l := range t.shards[i].lease {
				n := t.nodes.at(slot)
				out = append(out, OpenFile{ID: n.id, ClientName: l.client, ClientMachine: l.machine})
			}
		}
		return nil
	})
	for i := range out {
		out[i].Path, _ = t.PathOf(out[i].ID)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}

// RecentlyUsed reports whether file id is under construction, or was
// modified or accessed after since (ms since the epoch): a "hot" file
// whose blocks the balancer should move last (getBlocks' timeInterval).
// An unknown id is not hot.
func (t *Tree) RecentlyUsed(id, since int64) bool {
	var hot bool
	_ = t.read(func(v view) error {
		hot = false
		slot := v.slotOf(id)
		if slot == nilSlot || !v.node(slot).isFile() {
			return nil
		}
		n := v.node(slot)
		_, open := v.lease(slot)
		hot = open || n.mtime > since || n.atime > since
		return nil
	})
	return hot
}
