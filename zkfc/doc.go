// Package zkfc will hold the ZooKeeper failover controller: health
// monitoring of the local NameNode, the active/standby election in
// ZooKeeper with Hadoop's znodes, and fencing. Nothing is built here yet;
// `hdfsd zkfc` says so.
package zkfc
