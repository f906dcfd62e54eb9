package conf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// goldenDir holds the configuration directories of the clusters recorded
// with stock Hadoop 3.3.2 (see its README): cluster H is HA with QJM
// (ns1 = nn1, nn2, everything on 127.0.0.1), cluster P a single NameNode
// with a separate service RPC port.
const goldenDir = "../../shared/testdata/hadoop-3.3.2"

// loadGolden loads one daemon's configuration directory, e.g. "ha-conf/nn1".
func loadGolden(t *testing.T, dir string) *Conf {
	t.Helper()
	path := filepath.Join(goldenDir, dir)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("golden data not available: %v", err)
	}
	c, err := Load(path, quiet, testSys, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The recording machine named 127.0.0.1 "localhost" (the ZKFC wrote
// hostname "localhost" into ActiveNodeInfo and haadmin printed
// localhost:37301), so Hadoop's getconf prints localhost for every
// 127.0.0.1 address. The logs hold no getconf run; the expected output
// follows Hadoop's GetConf and DFSUtil.
func TestGoldenGetConfHA(t *testing.T) {
	for _, daemon := range []string{"client", "nn1", "nn2", "jn1", "dna"} {
		t.Run(daemon, func(t *testing.T) {
			c := loadGolden(t, "ha-conf/"+daemon)
			checkGetConf(t, c, loopbackNet(), []getConfCase{
				{[]string{"-namenodes"}, "localhost localhost\n", "", 0, "both NameNodes, client RPC (no service RPC)"},
				{[]string{"-nnRpcAddresses"}, "localhost:37301\nlocalhost:37302\n", "", 0, ""},
				{[]string{"-journalNodes"}, "localhost\n", "", 0, "three JNs on one host: a set of one"},
				{[]string{"-secondaryNameNodes"}, "", "Incorrect configuration: secondary namenode address dfs.namenode.secondary.http-address is not configured.\n", 255, "not set per NameNode"},
				{[]string{"-backupNodes"}, "", "Incorrect configuration: backup node address dfs.namenode.backup.address is not configured.\n", 255, ""},
				{[]string{"-includeFile"}, "", "Configuration dfs.hosts is missing.\n", 255, ""},
				{[]string{"-excludeFile"}, "", "Configuration dfs.hosts.exclude is missing.\n", 255, ""},
				{[]string{"-confKey", "dfs.namenode.shared.edits.dir"}, "qjournal://127.0.0.1:37201;127.0.0.1:37202;127.0.0.1:37203/ns1\n", "", 0, ""},
				{[]string{"-confKey", "dfs.ha.tail-edits.period"}, "5s\n", "", 0, ""},
				{[]string{"-confKey", "dfs.replication"}, "2\n", "", 0, "hdfs-site over hdfs-default"},
				{[]string{"-confKey", "dfs.heartbeat.interval"}, "3\n", "", 0, "hdfs-default"},
				{[]string{"-confKey", "fs.defaultFS"}, "hdfs://ns1\n", "", 0, ""},
			})
		})
	}
}

func TestGoldenGetConfSingleNameNode(t *testing.T) {
	c := loadGolden(t, "p-conf/client")
	checkGetConf(t, c, loopbackNet(), []getConfCase{
		{[]string{"-namenodes"}, "localhost\n", "", 0, "service RPC address 37101"},
		{[]string{"-nnRpcAddresses"}, "localhost:37101\n", "", 0, "service RPC, not client RPC 37100"},
		{[]string{"-journalNodes"}, "\n", "", 0, "no shared edits"},
		{[]string{"-secondaryNameNodes"}, "0.0.0.0\n", "", 0, "hdfs-default 0.0.0.0:9868"},
		{[]string{"-backupNodes"}, "0.0.0.0\n", "", 0, "hdfs-default 0.0.0.0:50100"},
		{[]string{"-confKey", "dfs.namenode.edits.dir"}, "/data/golden/p/nn\n", "", 0, "${dfs.namenode.name.dir}"},
		{[]string{"-confKey", "dfs.datanode.data.dir"}, "file:///data/golden/p/tmp/dfs/data\n", "", 0, "${hadoop.tmp.dir} from core-site"},
	})
}

func TestGoldenLocalNameNode(t *testing.T) {
	n := loopbackNet()
	for daemon, want := range map[string][2]string{"nn1": {"ns1", "nn1"}, "nn2": {"ns1", "nn2"}} {
		ns, nn, err := LocalNameNode(loadGolden(t, "ha-conf/"+daemon), n)
		if err != nil || ns != want[0] || nn != want[1] {
			t.Errorf("%s: (%q, %q, %v), want %q", daemon, ns, nn, err, want)
		}
	}
	// "both NNs are on 127.0.0.1, so it cannot be guessed from addresses"
	_, _, err := LocalNameNode(loadGolden(t, "ha-conf/client"), n)
	if !errors.Is(err, ErrAmbiguousLocal) {
		t.Errorf("client: %v", err)
	}
}

func TestGoldenNameservices(t *testing.T) {
	got, err := ReadNameservices(loadGolden(t, "ha-conf/client"))
	must(t, err)
	want := []Nameservice{{
		ID: "ns1",
		NameNodes: []NameNode{
			{ID: "nn1", RPC: Addr{"127.0.0.1", 37301}, HTTP: Addr{"127.0.0.1", 37311}, HTTPS: Addr{"0.0.0.0", 9871}},
			{ID: "nn2", RPC: Addr{"127.0.0.1", 37302}, HTTP: Addr{"127.0.0.1", 37312}, HTTPS: Addr{"0.0.0.0", 9871}},
		},
		SharedEditsDir: "qjournal://127.0.0.1:37201;127.0.0.1:37202;127.0.0.1:37203/ns1",
		QJournal: &QJournal{
			Journals:  []Addr{{"127.0.0.1", 37201}, {"127.0.0.1", 37202}, {"127.0.0.1", 37203}},
			JournalID: "ns1",
		},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if !got[0].HA() || got[0].Validate() != nil {
		t.Errorf("HA = %v, Validate = %v", got[0].HA(), got[0].Validate())
	}

	got, err = ReadNameservices(loadGolden(t, "p-conf/nn"))
	must(t, err)
	nn := NameNode{RPC: Addr{"127.0.0.1", 37100}, ServiceRPC: Addr{"127.0.0.1", 37101}, HTTP: Addr{"127.0.0.1", 37170}, HTTPS: Addr{"0.0.0.0", 9871}}
	if len(got) != 1 || got[0].ID != "" || !reflect.DeepEqual(got[0].NameNodes, []NameNode{nn}) || got[0].HA() || got[0].Validate() != nil {
		t.Errorf("cluster P: %+v", got)
	}
}

func TestGoldenTypedSettings(t *testing.T) {
	c := loadGolden(t, "ha-conf/nn1")
	h, err := ReadHDFS(c.ForNameNode("ns1", "nn1"))
	must(t, err)
	must(t, h.Validate())
	checks := []struct {
		name      string
		got, want any
	}{
		{"replication", h.Replication, 2},
		{"block size", h.BlockSize, int64(1 << 20)},
		{"tail edits period 5s", h.TailEditsPeriod, 5 * time.Second},
		{"log roll period 30s", h.LogRollPeriod, 30 * time.Second},
		{"checkpoint period 60 (s)", h.CheckpointPeriod, time.Minute},
		{"checkpoint check period 10 (s)", h.CheckpointCheckPeriod, 10 * time.Second},
		{"tail in progress", h.TailEditsInProgress, true},
		{"safemode extension 3000 (ms)", h.SafemodeExtension, 3 * time.Second},
		{"journal sync 30000 (ms)", h.JournalSyncInterval, 30 * time.Second},
		{"name dirs", h.NameDirs, []string{"/data/golden/h/nn1"}},
		{"edits dirs follow name dirs", h.EditsDirs, []string{"/data/golden/h/nn1"}},
		{"checksum", h.ChecksumType, "CRC32C"},
		{"heartbeat", h.HeartbeatInterval, 3 * time.Second},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s: got %v, want %v", ck.name, ck.got, ck.want)
		}
	}

	ha, err := ReadHA(c, "ns1", "nn1")
	must(t, err)
	must(t, ha.Validate())
	wantHA := HA{
		AutomaticFailover: true, FencingMethods: []string{"shell(/bin/true)"}, ZKFCPort: 37321,
		ZKQuorum: "127.0.0.1:37500", ZKSessionTimeout: 10 * time.Second, ZKParentZnode: "/hadoop-ha", ZKACL: "world:anyone:rwcda",
	}
	if !reflect.DeepEqual(ha, wantHA) {
		t.Errorf("HA = %+v\nwant %+v", ha, wantHA)
	}
	if z := ha.ElectionZnode("ns1"); z != "/hadoop-ha/ns1" {
		t.Errorf("election znode %s", z)
	}
	if ha2, _ := ReadHA(c, "ns1", "nn2"); ha2.ZKFCPort != 37322 {
		t.Errorf("nn2 ZKFC port %d", ha2.ZKFCPort)
	}

	dn, err := ReadHDFS(loadGolden(t, "ha-conf/dna"))
	must(t, err)
	if !reflect.DeepEqual(dn.DataDirs, []string{"/data/golden/h/dna"}) {
		t.Errorf("data dirs %q", dn.DataDirs)
	}
}
