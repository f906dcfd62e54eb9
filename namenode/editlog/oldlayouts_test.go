package editlog

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"testing"
)

// Name directories that older Hadoop releases left behind, shipped with
// Hadoop's own upgrade tests (shared/testdata/hadoop). Their edit logs use
// the record framings and field layouts of layout versions -32 to -63:
// no checksums and no txids (-32, -33, -41), checksums without a record
// length (-39 to -47), then length-prefixed records (-56 on). Each one
// decodes completely, encodes back to its own bytes, and survives the XML
// form.

func TestOldLayoutSegmentsDecodeAndReencode(t *testing.T) {
	tarballs := []string{
		"hadoop1-bbw.tgz", "hadoop-1.0-multiblock-file.tgz", "hadoop-22-dfs-dir.tgz",
		"hadoop-0.23-reserved.tgz", "hadoop-1-reserved.tgz", "hadoop-2-reserved.tgz",
		"image-with-buggy-append.tgz", "testUpgradeFrom22FixesStorageIDs.tgz",
		"hadoop-24-datanode-dir.tgz", "hadoop-252-dfs-dir.tgz",
		"hadoop-56-layout-datanode-dir.tgz", "testUpgradeFrom22via26FixesStorageIDs.tgz",
		"testUpgradeFrom26PreservesStorageIDs.tgz", "image-with-zero-block-size.tar.gz",
	}
	for _, tb := range tarballs {
		dir := extract(t, testdata(t, "hadoop", tb))
		for _, rel := range editFiles(t, dir) {
			data := readFile(t, filepath.Join(dir, rel))
			lv := int32(binary.BigEndian.Uint32(data))
			r, ops := decodeAll(t, data)
			end := r.Offset()
			got := encodeAll(t, lv, ops)
			t.Logf("%s/%s: LV %d, %d ops, %d of %d bytes", tb, rel, lv, len(ops), end, len(data))
			if !bytes.Equal(got, data[:end]) {
				t.Errorf("%s/%s: %s", tb, rel, firstDiff(got, data[:end]))
			}
			// The XML has no OP_MKDIR access time; Hadoop 1 stored 0 there,
			// later releases the timestamp, which is what comes back.
			for i := range ops {
				if ops[i].Code == OpMkdir {
					ops[i].ATime = ops[i].Timestamp
				}
			}
			want := encodeAll(t, lv, ops)
			_, fromDoc := fromXML(t, toXML(t, lv, ops))
			if got := encodeAll(t, lv, fromDoc); !bytes.Equal(got, want) {
				t.Errorf("%s/%s through XML: %s", tb, rel, firstDiff(got, want))
			}
		}
	}
}
