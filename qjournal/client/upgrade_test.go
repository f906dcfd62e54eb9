package client_test

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/journalnode"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/qjournal/client"
	"github.com/hdfsd/hdfsd/qjournal/core"
)

var upNS = client.NamespaceInfo{LayoutVersion: -66, NamespaceID: 77, ClusterID: "CID-up", CTime: 0,
	BlockPoolID: "BP-1-127.0.0.1-1", BuildVersion: "hdfsd", SoftwareVersion: "3.4.1"}

// startRealJNs starts n JournalNode daemons, each on its own directory.
func startRealJNs(t *testing.T, n int) (addrs, dirs []string) {
	t.Helper()
	for i := 0; i < n; i++ {
		dir := t.TempDir()
		c := conf.New()
		c.Set("dfs.journalnode.edits.dir", dir)
		c.Set("dfs.journalnode.rpc-address", "127.0.0.1:0")
		c.Set("dfs.journalnode.http-address", "127.0.0.1:0")
		cfg, err := journalnode.ConfigFrom(c)
		if err != nil {
			t.Fatal(err)
		}
		d, err := journalnode.Start(context.Background(), c, cfg,
			journalnode.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- d.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		addrs, dirs = append(addrs, d.RPCAddr()), append(dirs, filepath.Join(dir, "ns1"))
	}
	return addrs, dirs
}

func realManager(t *testing.T, addrs []string) *client.Manager {
	t.Helper()
	rpc := hadooprpc.NewClient(hadooprpc.ClientConfig{User: "hdfs", ConnectRetries: -1})
	t.Cleanup(func() { rpc.Close() })
	m := client.New(client.Config{Journals: addrs, JournalID: "ns1", Namespace: upNS, RPC: rpc})
	t.Cleanup(func() { m.Close() })
	return m
}

func testCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// op is a body-less edit record for txid with its checksum.
func op(txid uint64) []byte {
	b := []byte{0x18, 0, 0, 0, 12}
	b = binary.BigEndian.AppendUint64(b, txid)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func writeSegment(t *testing.T, m *client.Manager, first, last uint64) {
	t.Helper()
	s, err := m.StartLogSegment(testCtx(t), first, upNS.LayoutVersion)
	if err != nil {
		t.Fatal(err)
	}
	for tx := first; tx <= last; tx++ {
		if err := s.Write(tx, op(tx)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Finalize(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

func setUp(t *testing.T) (*client.Manager, []string, []string) {
	addrs, dirs := startRealJNs(t, 3)
	m := realManager(t, addrs)
	if err := m.Format(testCtx(t), false); err != nil {
		t.Fatal(err)
	}
	if _, err := m.RecoverUnfinalizedSegments(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	writeSegment(t, m, 1, 3)
	return m, addrs, dirs
}

func wantCTime(t *testing.T, m *client.Manager, want int64) {
	t.Helper()
	got, err := m.GetJournalCTime(testCtx(t))
	if err != nil || got != want {
		t.Fatalf("GetJournalCTime = %d %v, want %d", got, err, want)
	}
}

func wantCanRollBack(t *testing.T, m *client.Manager, want bool) {
	t.Helper()
	got, err := m.CanRollBack(testCtx(t), upNS.Storage(), upNS.Storage(), upNS.LayoutVersion)
	if err != nil || got != want {
		t.Fatalf("CanRollBack = %v %v, want %v", got, err, want)
	}
}

// The order FSImage drives the journals in: -upgrade, then -rollback;
// -upgrade again, then finalizeUpgrade.
func TestManagerUpgradeRollbackFinalize(t *testing.T) {
	m, _, dirs := setUp(t)
	ctx := testCtx(t)
	wantCTime(t, m, 0)
	wantCanRollBack(t, m, false)

	next := client.StorageInfo{LayoutVersion: -67, NamespaceID: upNS.NamespaceID, ClusterID: upNS.ClusterID, CTime: 1700000000000}
	if err := m.DoPreUpgrade(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.DoUpgrade(ctx, next); err != nil {
		t.Fatal(err)
	}
	wantCTime(t, m, 1700000000000)
	wantCanRollBack(t, m, true)
	if _, err := m.CanRollBack(ctx, upNS.Storage(), upNS.Storage(), -60); err == nil ||
		!strings.Contains(err.Error(), "Cannot rollback to storage version -66") {
		t.Fatalf("CanRollBack to another layout: %v", err)
	}
	if err := m.DoRollback(ctx); err != nil {
		t.Fatal(err)
	}
	wantCTime(t, m, 0)
	wantCanRollBack(t, m, false)

	if err := m.DoPreUpgrade(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.DoUpgrade(ctx, next); err != nil {
		t.Fatal(err)
	}
	if err := m.DoFinalize(ctx); err != nil {
		t.Fatal(err)
	}
	wantCanRollBack(t, m, false)
	wantCTime(t, m, 1700000000000)
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "previous")); err == nil {
			t.Fatalf("%s still has previous/", d)
		}
	}
}

// Every journal must answer: a JournalNode that cannot take the call fails
// it, as QuorumJournalManager waits for all loggers.
func TestManagerUpgradeNeedsEveryJournal(t *testing.T) {
	m, _, dirs := setUp(t)
	// One journal already holds previous/: its doPreUpgrade refuses.
	if err := os.Mkdir(filepath.Join(dirs[1], "previous"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := m.DoPreUpgrade(testCtx(t))
	if err == nil || !strings.Contains(err.Error(), "Could not do pre-upgrade of one or more JournalNodes") {
		t.Fatalf("DoPreUpgrade with one refusing journal: %v", err)
	}
}

// discardSegments trashes the segments from the txid on, on every journal.
func TestManagerDiscardSegments(t *testing.T) {
	m, _, dirs := setUp(t)
	writeSegment(t, m, 4, 6)
	// The finalize is acknowledged by a quorum; the slowest JournalNode
	// may still be finalizing: wait for it, so each has edits_4-6.
	for _, d := range dirs {
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := os.Stat(filepath.Join(d, "current", storage.EditsName(4, 6))); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: segment 4-6 never finalized", d)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if err := m.DiscardSegments(testCtx(t), 4); err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "current", storage.EditsName(4, 6)+".trash")); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
	}
}

// fakeAdmin answers the admin calls with fixed values.
type fakeAdmin struct {
	name  string
	cTime int64
	err   error
}

func (f *fakeAdmin) Name() string { return f.name }
func (f *fakeAdmin) Enqueue(m core.Msg, _ string, done func(core.Reply)) {
	go done(core.Reply{Call: m.Call, Kind: m.Kind, Err: errors.New("fake")})
}
func (f *fakeAdmin) SegmentURL(uint64) string                            { return "" }
func (f *fakeAdmin) Format(context.Context, bool) error                  { return nil }
func (f *fakeAdmin) IsFormatted(context.Context) (bool, error)           { return true, nil }
func (f *fakeAdmin) Close() error                                        { return nil }
func (f *fakeAdmin) DoPreUpgrade(context.Context) error                  { return f.err }
func (f *fakeAdmin) DoUpgrade(context.Context, client.StorageInfo) error { return f.err }
func (f *fakeAdmin) DoFinalize(context.Context) error                    { return f.err }
func (f *fakeAdmin) DoRollback(context.Context) error                    { return f.err }
func (f *fakeAdmin) DiscardSegments(context.Context, uint64) error       { return f.err }
func (f *fakeAdmin) GetEditLogManifest(context.Context, uint64, bool) (client.Manifest, error) {
	return client.Manifest{}, nil
}
func (f *fakeAdmin) GetJournaledEdits(context.Context, uint64, uint32) (client.JournaledEdits, error) {
	return client.JournaledEdits{}, nil
}
func (f *fakeAdmin) CanRollBack(context.Context, client.StorageInfo, client.StorageInfo, int32) (bool, error) {
	return f.cTime > 0, f.err
}
func (f *fakeAdmin) GetJournalCTime(context.Context) (int64, error) { return f.cTime, f.err }

// Answers must agree: QuorumJournalManager fails "Results differed".
func TestManagerAnswersMustAgree(t *testing.T) {
	ls := []client.Logger{&fakeAdmin{name: "a", cTime: 5}, &fakeAdmin{name: "b", cTime: 5}, &fakeAdmin{name: "c", cTime: 6}}
	m := client.NewWithLoggers(client.Config{JournalID: "ns1", Namespace: upNS}, ls)
	defer m.Close()
	if _, err := m.GetJournalCTime(testCtx(t)); err == nil || !strings.Contains(err.Error(), "Results differed for getJournalCTime") {
		t.Fatalf("GetJournalCTime with 5,5,6: %v", err)
	}
	ls[2].(*fakeAdmin).cTime = 5
	if got, err := m.GetJournalCTime(testCtx(t)); err != nil || got != 5 {
		t.Fatalf("GetJournalCTime = %d %v", got, err)
	}
	ls[0].(*fakeAdmin).err = errors.New("disk gone")
	if err := m.DoFinalize(testCtx(t)); err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Fatalf("DoFinalize with one failing journal: %v", err)
	}
	if _, err := m.CanRollBack(testCtx(t), upNS.Storage(), upNS.Storage(), -66); err == nil {
		t.Fatal("CanRollBack with one failing journal succeeded")
	}
}
