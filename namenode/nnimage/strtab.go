package nnimage

import (
	"fmt"
	"slices"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
)

// strtab numbers the user, group and xattr names a save refers to, in
// the order the saver meets them, and builds the STRING_TABLE section.
//
// From layout -65 (EXPANDED_STRING_TABLE) each kind has its own serial
// numbers and an entry's id carries the kind in its top three bits
// (SerialNumberManager); older layouts share one id space
// (FSImageFormatProtobuf.SaverContext's string map). Entries are written
// in the iteration order of the Java HashMap Hadoop writes them from, so
// that an image Hadoop wrote and this package loaded comes back byte for
// byte.
type strtab struct {
	masked  bool
	ids     [4]map[string]uint32 // by kind; only [0] when not masked
	next    [4]uint32
	entries []fsimage.StringEntry
	kinds   []fsimage.StringKind // of each entry, for ordering
}

const maskBits = 3

func newStrtab(layout int32) *strtab {
	s := &strtab{masked: layout <= fsimage.ExpandedStringTableLayoutVersion}
	for i := range s.ids {
		s.ids[i] = map[string]uint32{}
	}
	return s
}

// id returns the serial number of str as a name of the given kind; "" is
// Hadoop's null, serial 0.
func (s *strtab) id(kind fsimage.StringKind, str string) (uint32, error) {
	if str == "" {
		return 0, nil
	}
	k := kind
	if !s.masked {
		k = fsimage.KindGlobal
	}
	if v, ok := s.ids[k][str]; ok {
		return v, nil
	}
	if s.next[k] == 1<<24-1 {
		return 0, fmt.Errorf("%w: more than %d distinct names", ErrUnsupported, 1<<24-1)
	}
	s.next[k]++
	v := s.next[k]
	s.ids[k][str] = v
	entry := v
	if s.masked {
		entry |= uint32(kind) << (32 - maskBits)
	}
	s.entries = append(s.entries, fsimage.StringEntry{ID: entry, Str: str})
	s.kinds = append(s.kinds, kind)
	return v, nil
}

// table returns the STRING_TABLE section.
func (s *strtab) table() *fsimage.StringTable {
	if !s.masked {
		st := fsimage.NewStringTable(0, javaOrder(s.entries, 16, func(e fsimage.StringEntry) int32 {
			return javaStringHash(e.Str)
		}))
		st.Present = fsimage.FieldsOf(fsimage.STNumEntry)
		return st
	}
	// SerialNumberManager.getStringTable fills a HashMap<Integer, String>
	// sized for its entries, kind after kind.
	order := make([]int, len(s.entries))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(s.kinds[a]) - int(s.kinds[b]) })
	byKind := make([]fsimage.StringEntry, len(order))
	for i, j := range order {
		byKind[i] = s.entries[j]
	}
	return fsimage.NewStringTable(maskBits, javaOrder(byKind, tableSizeFor(len(byKind)),
		func(e fsimage.StringEntry) int32 { return int32(e.ID) }))
}

// javaOrder returns entries, inserted in this order into a java.util.HashMap
// of the given initial capacity, in the map's iteration order: by bucket
// of the spread hash, then by insertion.
func javaOrder(entries []fsimage.StringEntry, capacity int, hash func(fsimage.StringEntry) int32) []fsimage.StringEntry {
	c := max(capacity, 1)
	for len(entries) > c*3/4 {
		c *= 2
	}
	bucket := func(e fsimage.StringEntry) int {
		h := uint32(hash(e))
		return int((h ^ h>>16) & uint32(c-1))
	}
	out := slices.Clone(entries)
	slices.SortStableFunc(out, func(a, b fsimage.StringEntry) int { return bucket(a) - bucket(b) })
	return out
}

// tableSizeFor is HashMap.tableSizeFor: the power of two at or above n.
func tableSizeFor(n int) int {
	c := 1
	for c < n {
		c *= 2
	}
	return c
}

// javaStringHash is String.hashCode over the UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + int32(0xD800+(r>>10))
			h = 31*h + int32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}
