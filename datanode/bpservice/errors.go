package bpservice

import "errors"

// Errors of the package. The driver wraps what a NameNode answered in the
// first three so that the core can tell them apart without knowing RPC.
var (
	// ErrRejected: the NameNode refused this DataNode
	// (UnregisteredNodeException, DisallowedDatanodeException,
	// IncorrectVersionException); the actor stops, as Hadoop's does.
	ErrRejected = errors.New("bpservice: NameNode rejected this DataNode")
	// ErrInvalidLease: the NameNode did not accept the block report lease.
	ErrInvalidLease = errors.New("bpservice: block report lease rejected")
	// ErrRemote: the NameNode answered with an exception (as opposed to the
	// call not reaching it).
	ErrRemote = errors.New("bpservice: NameNode raised an exception")

	// ErrNamespaceMismatch: a NameNode's namespace, cluster or block pool
	// id differs from the storage's or from another NameNode's.
	ErrNamespaceMismatch = errors.New("bpservice: namespace mismatch")
	// ErrStopped: the actor has stopped.
	ErrStopped = errors.New("bpservice: actor stopped")
)
