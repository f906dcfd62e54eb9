// Package datanode will hold the DataNode: block storage in Hadoop's
// layout, the data-transfer protocol, and heartbeats and block reports to
// every NameNode of every nameservice. Nothing is built here yet;
// `hdfsd datanode` says so.
package datanode
