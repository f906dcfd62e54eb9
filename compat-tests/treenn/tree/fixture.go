package tree

import "fmt"

// Fixture facts that tests check against.
const (
	// BigDir holds BigFiles files named f0000, f0001, ...; file i is i bytes
	// long. There are enough to need several pages at dfs.ls.limit=1000.
	BigDir   = "/big"
	BigFiles = 2500

	blockSize = 128 << 20 // dfs.blocksize default
)

// Times used in the fixture, in milliseconds since the Unix epoch (UTC).
const (
	t2023Nov20 = 1700471700000 // 2023-11-20 09:15:00
	t2024Jan02 = 1704164645000 // 2024-01-02 03:04:05
	t2024Mar05 = 1709647620000 // 2024-03-05 14:07:00
	t2024Mar5b = 1709647650000 // 2024-03-05 14:07:30
	t2024Jun01 = 1717243200000 // 2024-06-01 12:00:00
)

// Fixture returns the fixed tree the test NameNode serves:
//
//	/                          dir  hdfs:supergroup  0755
//	/big                       dir  etl:supergroup   0755  BigFiles files
//	/tmp                       dir  hdfs:supergroup  1777
//	/user                      dir  hdfs:supergroup  0755
//	/user/alice                dir  alice:supergroup 0755
//	/user/alice/hello.txt      file alice:supergroup 0644  12 bytes
//	/user/alice/latest         link alice:supergroup 0777  -> /user/alice/hello.txt
//	/user/alice/private        dir  alice:analysts   0700  empty
//	/user/alice/report.csv     file alice:analysts   0640  1 MiB, 2 replicas
//	/user/bob                  dir  bob:supergroup   0700  empty
func Fixture() *Tree {
	t := New(Entry{Owner: "hdfs", Group: "supergroup", Perm: 0o755, Mtime: t2024Jun01})
	dir := func(owner, group string, perm uint16, mtime int64) Entry {
		return Entry{Kind: Dir, Owner: owner, Group: group, Perm: perm, Mtime: mtime}
	}
	file := func(owner, group string, perm uint16, length uint64, repl uint16, mtime, atime int64) Entry {
		return Entry{Kind: File, Owner: owner, Group: group, Perm: perm, Length: length,
			Replication: repl, BlockSize: blockSize, Mtime: mtime, Atime: atime}
	}
	entries := []struct {
		path string
		e    Entry
	}{
		{"/user", dir("hdfs", "supergroup", 0o755, t2023Nov20)},
		{"/user/alice", dir("alice", "supergroup", 0o755, t2024Mar5b)},
		{"/user/alice/hello.txt", file("alice", "supergroup", 0o644, 12, 3, t2024Mar05, t2024Mar5b)},
		{"/user/alice/report.csv", file("alice", "analysts", 0o640, 1<<20, 2, t2023Nov20, t2023Nov20)},
		{"/user/alice/private", dir("alice", "analysts", 0o700, t2024Mar05)},
		{"/user/alice/latest", Entry{Kind: Symlink, Owner: "alice", Group: "supergroup", Perm: 0o777,
			Mtime: t2024Mar5b, Atime: t2024Mar5b, Target: "/user/alice/hello.txt"}},
		{"/user/bob", dir("bob", "supergroup", 0o700, t2023Nov20)},
		{"/tmp", dir("hdfs", "supergroup", 0o1777, t2024Jun01)},
		{BigDir, dir("etl", "supergroup", 0o755, t2024Jan02)},
	}
	for _, e := range entries {
		must(t.Add(e.path, e.e))
	}
	for i := range BigFiles {
		mtime := t2024Jan02 + int64(i)*1000
		must(t.Add(fmt.Sprintf("%s/f%04d", BigDir, i), file("etl", "supergroup", 0o644, uint64(i), 3, mtime, mtime)))
	}
	return t
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
