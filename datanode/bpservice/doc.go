// Package bpservice is the DataNode's conversation with the NameNodes of
// one block pool: Hadoop's BPServiceActor (one per NameNode) and the part
// of BPOfferService that decides which NameNode to obey.
//
// Layout:
//
//   - Core (core.go) is the pure state machine of one actor. It is told
//     the time and what happened, and answers with the next Action: send
//     versionRequest, registerDatanode, sendHeartbeat,
//     blockReceivedAndDeleted, blockReport, errorReport or reportBadBlocks;
//     run commands; wait; or stop. It follows Hadoop's offerService loop:
//     each round sends a heartbeat when due (asking for a full block report
//     lease when a report is due), then the pending incremental report if
//     the heartbeat went out or one is due at once, then a full report if
//     the NameNode granted a lease (or one was forced), then waits for the
//     next heartbeat, cut short only by a RECEIVED replica, then sends the
//     queued error and bad-block reports.
//   - Offer (offer.go) is the pure block-pool rule: the namespace the
//     NameNodes and the storage agree on, and which NameNode is active
//     (the highest-txid active claim, updateActorStatesFromHeartbeat).
//     ObeyFrom drops commands of a non-active NameNode except key updates,
//     and stops a batch at DNA_REGISTER.
//   - Service (service.go) and actor (actor.go) are the I/O shell: one
//     goroutine per NameNode owns its Core and the registration, performs
//     each action with hadooprpc, translates protobuf at this boundary
//     (translate.go), and reports the outcome before asking for the next
//     action. Commands go, in order, to a CommandHandler on a second
//     goroutine per NameNode, so that slow commands do not delay
//     heartbeats. Replica events (NotifyBlock) and reports reach every
//     actor through an inbox that never blocks the caller.
//
// Timing defaults are Hadoop's: heartbeats every 3 s, full reports every
// 6 h (the first right after registration, at a random point within
// dfs.blockreport.initialDelay when that is set, the second at a random
// point within the interval), incremental reports at once (interval 0).
// versionRequest is retried every 5 s, registerDatanode I/O failures every
// 1 s; after an error in the loop the actor sleeps min(1 s, heartbeat
// interval). UnregisteredNodeException, DisallowedDatanodeException and
// IncorrectVersionException during the loop stop the actor, as in Hadoop;
// a namespace, cluster or block pool id that differs from the storage's
// stops it at the handshake.
package bpservice
