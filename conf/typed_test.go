package conf

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func defaults(t *testing.T, sets ...string) *Conf {
	t.Helper()
	c, err := Load("", quiet, testSys, noEnv)
	must(t, err)
	for _, s := range sets {
		k, v, _ := strings.Cut(s, "=")
		c.Set(k, v)
	}
	return c
}

func TestIPCDefaultsAreHadoops(t *testing.T) {
	ipc, err := ReadIPC(defaults(t))
	must(t, err)
	want := IPC{
		MaxDataLength: 134217728, MaxConnections: 0, HandlerQueueSize: 100, ReadThreads: 1,
		ReadConnectionQueueSize: 100, ListenQueueSize: 256, MaxResponseSize: 1048576, ServerTCPNoDelay: true,
		ServerIdleTime: 20 * time.Second, IdleScanInterval: 10 * time.Second, IdleThreshold: 4000, KillMax: 10,
		MaxResponseLength: 134217728, MaxIdleTime: 10 * time.Second, Ping: true, PingInterval: time.Minute,
		RPCTimeout: 2 * time.Minute, ConnectTimeout: 20 * time.Second, ConnectMaxRetries: 10,
		ConnectRetryInterval: time.Second, ConnectMaxRetriesOnTimeouts: 45, ClientTCPNoDelay: true,
		Authentication: "simple", Protection: []string{"authentication"},
	}
	if !reflect.DeepEqual(ipc, want) {
		t.Errorf("got  %+v\nwant %+v", ipc, want)
	}
	must(t, ipc.Validate())
	// The same values without any resource: the code defaults agree.
	bare, err := ReadIPC(New(quiet))
	must(t, err)
	if !reflect.DeepEqual(bare, want) {
		t.Errorf("code defaults differ from core-default.xml:\n%+v", bare)
	}
}

func TestIPCReadsMillisecondsLikeGetInt(t *testing.T) {
	ipc, err := ReadIPC(defaults(t, "ipc.client.connection.maxidletime=2500", "ipc.client.rpc-timeout.ms=-1"))
	must(t, err)
	if ipc.MaxIdleTime != 2500*time.Millisecond || ipc.ServerIdleTime != 5*time.Second {
		t.Errorf("idle %v / %v", ipc.MaxIdleTime, ipc.ServerIdleTime)
	}
	if ipc.RPCTimeout != 0 {
		t.Errorf("negative rpc timeout must mean none, got %v", ipc.RPCTimeout)
	}
	// Hadoop reads these with getInt: a suffix is an error, not seconds.
	_, err = ReadIPC(defaults(t, "ipc.client.connect.timeout=20s"))
	if !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), "ipc.client.connect.timeout") {
		t.Errorf("suffix accepted: %v", err)
	}
}

func TestIPCValidate(t *testing.T) {
	tests := []struct {
		set  string
		want string
	}{
		{"ipc.maximum.data.length=0", "ipc.maximum.data.length must be positive"},
		{"ipc.server.max.connections=-1", "ipc.server.max.connections must not be negative"},
		{"ipc.server.read.threadpool.size=0", "ipc.server.read.threadpool.size must be positive"},
		{"hadoop.security.authentication=ldap", `"ldap" is not simple, kerberos or token`},
		{"hadoop.rpc.protection=privacy,secret", `"secret" is not authentication, integrity or privacy`},
		{"ipc.ping.interval=0", "ipc.ping.interval must be positive"},
	}
	for _, tt := range tests {
		ipc, err := ReadIPC(defaults(t, tt.set))
		must(t, err)
		if err := ipc.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "conf: ") {
			t.Errorf("%s: Validate = %v, want %q", tt.set, err, tt.want)
		}
	}
	ipc, err := ReadIPC(defaults(t, "hadoop.security.authentication=Kerberos", "hadoop.rpc.protection=Integrity, privacy"))
	must(t, err)
	if ipc.Authentication != "kerberos" || !reflect.DeepEqual(ipc.Protection, []string{"integrity", "privacy"}) {
		t.Errorf("case folding: %q %q", ipc.Authentication, ipc.Protection)
	}
	must(t, ipc.Validate())
}

func TestHDFSDefaultsAreHadoops(t *testing.T) {
	h, err := ReadHDFS(defaults(t))
	must(t, err)
	must(t, h.Validate())
	checks := map[string][2]any{
		"replication":          {h.Replication, 3},
		"block size":           {h.BlockSize, int64(134217728)},
		"bytes per checksum":   {h.BytesPerChecksum, 512},
		"checksum type":        {h.ChecksumType, "CRC32C"},
		"packet size":          {h.WritePacketSize, 65536},
		"permissions":          {h.PermissionsEnabled, true},
		"supergroup":           {h.Superusergroup, "supergroup"},
		"acls":                 {h.ACLsEnabled, true},
		"ls limit":             {h.ListLimit, 1000},
		"heartbeat":            {h.HeartbeatInterval, 3 * time.Second},
		"handlers":             {h.HandlerCount, 10},
		"retry cache":          {h.RetryCacheEnabled, true},
		"access time":          {h.AccessTimePrecision, time.Hour},
		"safemode pct 0.999f":  {h.SafemodeThresholdPct, 0.999},
		"safemode extension":   {h.SafemodeExtension, 30 * time.Second},
		"name dirs":            {h.NameDirs, []string{"file:///tmp/hadoop-hdfs/dfs/name"}},
		"data dirs":            {h.DataDirs, []string{"file:///tmp/hadoop-hdfs/dfs/data"}},
		"journal dir":          {h.JournalEditsDir, "/tmp/hadoop/dfs/journalnode/"},
		"checkpoint period":    {h.CheckpointPeriod, time.Hour},
		"tail edits period":    {h.TailEditsPeriod, time.Minute},
		"block report":         {h.BlockReportInterval, 6 * time.Hour},
		"max directory items":  {h.MaxDirectoryItems, 1048576},
		"min block size":       {h.MinBlockSize, int64(1 << 20)},
		"max component length": {h.MaxComponentLength, int64(255)},
	}
	for name, ck := range checks {
		if !reflect.DeepEqual(ck[0], ck[1]) {
			t.Errorf("%s: got %v, want %v", name, ck[0], ck[1])
		}
	}
}

func TestHDFSValidate(t *testing.T) {
	tests := []struct {
		sets []string
		want string
	}{
		{[]string{"dfs.replication=0"}, "dfs.replication = 0"},
		{[]string{"dfs.replication=600"}, "dfs.replication = 600"},
		{[]string{"dfs.blocksize=1000"}, "not a multiple of dfs.bytes-per-checksum"},
		{[]string{"dfs.checksum.type=MD5"}, `"MD5" is not NULL, CRC32 or CRC32C`},
		{[]string{"dfs.namenode.fs-limits.max-directory-items=0"}, "between 1 and 6400000"},
		{[]string{"dfs.heartbeat.interval=0"}, "dfs.heartbeat.interval must be positive"},
	}
	for _, tt := range tests {
		h, err := ReadHDFS(defaults(t, tt.sets...))
		must(t, err)
		if err := h.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: Validate = %v, want %q", tt.sets, err, tt.want)
		}
	}
	if _, err := ReadHDFS(defaults(t, "dfs.replication=three")); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("bad integer: %v", err)
	}
	h, err := ReadHDFS(defaults(t, "dfs.ls.limit=-5", "dfs.blocksize=256m", "dfs.heartbeat.interval=500ms"))
	must(t, err)
	if h.ListLimit != 1000 || h.BlockSize != 256<<20 || h.HeartbeatInterval != 500*time.Millisecond {
		t.Errorf("ls limit %d, block size %d, heartbeat %v", h.ListLimit, h.BlockSize, h.HeartbeatInterval)
	}
}

func TestNameserviceValidate(t *testing.T) {
	nss, err := ReadNameservices(newConf(t, "dfs.nameservices=ns1", "dfs.ha.namenodes.ns1=nn1,nn2",
		"dfs.namenode.rpc-address.ns1.nn1=a:1"))
	must(t, err)
	if err := nss[0].Validate(); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "dfs.namenode.rpc-address.ns1.nn2 is not configured") {
		t.Errorf("missing address: %v", err)
	}
	nss, err = ReadNameservices(newConf(t, "dfs.namenode.rpc-address=a:1", "dfs.namenode.shared.edits.dir=file:///shared"))
	must(t, err)
	if err := nss[0].Validate(); err == nil || !strings.Contains(err.Error(), "must not be specified if HA is not enabled") {
		t.Errorf("shared edits without HA: %v", err)
	}
	if _, err := ReadNameservices(newConf(t, "dfs.namenode.rpc-address=a_b:1")); err == nil {
		t.Error("malformed address accepted")
	}
	if _, err := ReadNameservices(newConf(t, "dfs.nameservices=ns1", "dfs.ha.namenodes.ns1=a,b",
		"dfs.namenode.shared.edits.dir.ns1=qjournal://j1/")); err == nil {
		t.Error("bad qjournal accepted")
	}
}

func TestHAValidate(t *testing.T) {
	c := newConf(t, "dfs.ha.automatic-failover.enabled=true", "ha.zookeeper.session-timeout.ms=0",
		"dfs.ha.fencing.methods=sshfence # first\n\n  shell(/bin/true)  \n#only a comment")
	ha, err := ReadHA(c, "", "")
	must(t, err)
	if !reflect.DeepEqual(ha.FencingMethods, []string{"sshfence", "shell(/bin/true)"}) {
		t.Errorf("fencing methods %q", ha.FencingMethods)
	}
	err = ha.Validate()
	if err == nil || !strings.Contains(err.Error(), "Missing required configuration 'ha.zookeeper.quorum'") ||
		!strings.Contains(err.Error(), "Invalid ZK session timeout 0") {
		t.Errorf("Validate = %v", err)
	}
}

func TestHAZooKeeperKeysMayBeSuffixed(t *testing.T) {
	c := newConf(t, "ha.zookeeper.quorum=zk-all:2181", "ha.zookeeper.quorum.ns1=zk-ns1:2181",
		"ha.zookeeper.parent-znode.ns1.nn2=/custom")
	for _, tt := range []struct{ nn, quorum, parent string }{
		{"nn1", "zk-ns1:2181", "/hadoop-ha"},
		{"nn2", "zk-ns1:2181", "/custom"},
	} {
		ha, err := ReadHA(c, "ns1", tt.nn)
		must(t, err)
		if ha.ZKQuorum != tt.quorum || ha.ZKParentZnode != tt.parent {
			t.Errorf("%s: quorum %q parent %q", tt.nn, ha.ZKQuorum, ha.ZKParentZnode)
		}
	}
	if ha, _ := ReadHA(c, "ns2", "nn1"); ha.ZKQuorum != "zk-all:2181" {
		t.Errorf("ns2 quorum %q", ha.ZKQuorum)
	}
}
