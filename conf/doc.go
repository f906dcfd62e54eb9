// Package conf reads Hadoop configuration the way Apache Hadoop 3.4 does.
//
// A Conf holds resources loaded in order (the built-in core defaults,
// core-site.xml, the built-in hdfs defaults, hdfs-site.xml — Hadoop's own
// order, so hdfs-default values override core-site.xml) plus values set on
// the command line with -D, which win over every resource. A resource cannot
// change a key an earlier resource marked <final>true</final>. Values are
// expanded when read: ${key}, ${env.NAME}, ${env.NAME:-default},
// ${env.NAME-default} and the Java system properties Hadoop would see
// (user.name, user.home, user.dir, java.io.tmpdir).
//
// Daemon code does not look keys up: it calls a typed reader once at start
// (ReadIPC, ReadHDFS, ReadNameservices, ReadHA) and validates the result.
// The HA and federation helpers mirror Hadoop's DFSUtil (nameservice and
// NameNode ids, suffixed keys, address maps, local id inference), and
// GetConf prints what `hdfs getconf` prints.
//
// Everything that touches the network (name resolution, "is this address
// mine") goes through the Network interface so tests can replace it.
package conf
