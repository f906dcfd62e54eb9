// Package datanode is the DataNode daemon (Hadoop's DataNode class): it
// joins the storage (fsdataset), the conversations with the NameNodes
// (bpservice), the data-transfer server (xceiver, through the dataServer
// seam of dataserver.go) and the IPC translation layers (dnipc).
//
// Start opens and locks the data dirs, listens on dfs.datanode.address,
// dfs.datanode.ipc.address and dfs.datanode.http.address, and logs
// `msg="DataNode up" xfer=ADDR ipc=ADDR http=ADDR`. Every registration
// carries the bound ports, the storage's datanodeUuid, the host name
// (dfs.datanode.hostname, else the machine's) and the IP of the
// data-transfer listener (for a wildcard listener, the local IP of the
// route to the first NameNode).
//
// Run starts, each on a goroutine Close waits for:
//   - the three servers;
//   - one bpservice.Service per nameservice of Config.NameNodes (an actor
//     per NameNode inside it); with federation the services share the
//     dataset, one block pool each. poolDataset is their view of the
//     storage; commands executes what the active NameNode asks: transfers
//     (to the data server, bounded by dfs.datanode.max.transfer.threads),
//     deletions (in the background, each reported DELETED once its files
//     are gone), block recoveries as the primary (recovery.go: the pure
//     planRecovery rule, then InterDatanodeProtocol calls and
//     commitBlockSynchronization), upgrade finalization and the balancer
//     bandwidth;
//   - a block scanner per volume (blockscan.go), the directory scanner
//     (dirscan.go) and the failed-volume check (volumecheck.go), each
//     paced by Options.Sleep and Options.Now so tests drive their clocks.
//
// Run returns when its context ends, a client calls shutdownDatanode,
// too many volumes failed, a server fails or every block-pool service has
// stopped; it then closes the daemon: servers first, then the services,
// scanners and commands under way, then the storage (fsdataset.Shutdown
// saves dfsUsed and releases the volume locks).
package datanode
