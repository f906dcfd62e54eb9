package nnimage

import (
	"reflect"
	"testing"

	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// The decoder goroutine reuses its buffers, so a batch must own every
// slice of the inodes it holds: a slice field added to namespace.Inode
// and not copied by inodeBatch.add fails here.
func TestInodeBatchOwnsEverySliceOfItsInodes(t *testing.T) {
	var src namespace.Inode
	v := reflect.ValueOf(&src).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Slice {
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		}
	}
	src.XAttrs[0].Value = []byte{1}
	var b inodeBatch
	b.add(&src)
	got := reflect.ValueOf(&b.nodes[0]).Elem()
	for i := range v.NumField() {
		f, g := v.Field(i), got.Field(i)
		if f.Kind() != reflect.Slice {
			continue
		}
		if g.Len() != 1 || g.Pointer() == f.Pointer() {
			t.Errorf("inodeBatch.add does not copy Inode.%s", v.Type().Field(i).Name)
		}
	}
	if &b.nodes[0].XAttrs[0].Value[0] == &src.XAttrs[0].Value[0] {
		t.Error("inodeBatch.add does not copy xattr values")
	}
}
