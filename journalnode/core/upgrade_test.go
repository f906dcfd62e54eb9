package core

import (
	"fmt"
	"strings"
	"testing"
)

// doUpgrade takes the new layout and cTime and keeps the journal's IDs
// (Journal.doUpgrade sets only storage.cTime and storage.layoutVersion).
func TestUpgradeKeepsNamespaceAndCluster(t *testing.T) {
	tr := newTranscript(t)
	tr.do("pre-upgrade", func() ([]Action, error) { return tr.j.PreUpgrade(), nil })
	tr.do("upgrade", func() ([]Action, error) {
		return tr.j.Upgrade(StorageInfo{LayoutVersion: -67, NamespaceID: 1, ClusterID: "other", CTime: 5}), nil
	})
	tr.do("finalize", func() ([]Action, error) { return tr.j.Finalize(), nil })
	tr.do("rollback", func() ([]Action, error) { return tr.j.Rollback(), nil })
	tr.want(
		"pre-upgrade: pre-upgrade",
		"upgrade: upgrade -67:552735754:5:CID-1",
		"finalize: finalize-upgrade",
		"rollback: rollback",
	)
}

// canRollBack: false without previous/, true with one of the target
// layout, and Hadoop's IOException for another layout.
func TestCanRollBackRules(t *testing.T) {
	if ok, err := CanRollBack(nil, -66); ok || err != nil {
		t.Fatalf("no previous: %v %v", ok, err)
	}
	if ok, err := CanRollBack(&StorageInfo{LayoutVersion: -66}, -66); !ok || err != nil {
		t.Fatalf("same layout: %v %v", ok, err)
	}
	_, err := CanRollBack(&StorageInfo{LayoutVersion: -63}, -66)
	if e, ok := err.(*Error); !ok || e.Kind != KindIO || !strings.Contains(e.Msg, "Cannot rollback to storage version -63") {
		t.Fatalf("other layout: %v", err)
	}
}

// An in-progress segment before the discard point never refuses the call
// (Hadoop does not validate it there); a finalized one that crosses it
// does, before anything is moved.
func TestDiscardSegmentsBoundary(t *testing.T) {
	j, _ := Load("ns1", "/d", State{Formatted: true, Committed: 20,
		Segments: []Segment{{Start: 1, End: 5}, {Start: 6, End: 12, InProgress: true}, {Start: 13, End: 20}}})
	acts, err := j.DiscardSegments(10)
	if err != nil || fmt.Sprint(acts) != "[move-aside 13.trash persist-committed 9]" {
		t.Fatalf("%v %v", acts, err)
	}
	j, _ = Load("ns1", "/d", State{Formatted: true, Committed: 20, Segments: []Segment{{Start: 1, End: 5}, {Start: 6, End: 9}}})
	if acts, err := j.DiscardSegments(3); err == nil || len(acts) != 0 {
		t.Fatalf("crossing segment: %v %v", acts, err)
	}
	if len(j.Segments()) != 2 {
		t.Fatalf("segments changed after a refused discard: %v", j.Segments())
	}
}
