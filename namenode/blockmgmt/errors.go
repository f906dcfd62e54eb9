package blockmgmt

import (
	"errors"
	"fmt"
)

// Sentinel errors. The glue maps them to Java exception classes.
var (
	// ErrUnregistered is UnregisteredNodeException.
	ErrUnregistered = errors.New("blockmgmt: unregistered data node")
	// ErrDisallowed is DisallowedDatanodeException.
	ErrDisallowed = errors.New("blockmgmt: datanode denied communication with namenode")
	// ErrUnknownBlock: the block is not in the blocks map.
	ErrUnknownBlock = errors.New("blockmgmt: block does not exist")
	// ErrBlockExists: AddBlock of an id already in the map.
	ErrBlockExists = errors.New("blockmgmt: block already exists")
	// ErrGenStamp: a generation stamp or recovery id does not match.
	ErrGenStamp = errors.New("blockmgmt: generation stamp mismatch")
	// ErrNotUnderConstruction: the operation needs an open block.
	ErrNotUnderConstruction = errors.New("blockmgmt: block is not under construction")
	// ErrNoReplicas: block recovery found no replica to recover from.
	ErrNoReplicas = errors.New("blockmgmt: block has no replicas")
	// ErrNotEnoughReplicas: placement found fewer targets than the
	// minimum; the error is a *PlacementError.
	ErrNotEnoughReplicas = errors.New("blockmgmt: not enough targets")
)

// PlacementError carries what FSNamesystem needs to say "File X could
// only be written to N of the M minReplication nodes. There are L
// datanode(s) running and E node(s) are excluded in this operation."
type PlacementError struct {
	Chosen, MinReplication int
	Live, Excluded         int
}

func (e *PlacementError) Error() string {
	return fmt.Sprintf("blockmgmt: could only be written to %d of the %d minReplication nodes. There are %d datanode(s) running and %d node(s) are excluded in this operation.",
		e.Chosen, e.MinReplication, e.Live, e.Excluded)
}

// Unwrap makes errors.Is(err, ErrNotEnoughReplicas) hold.
func (e *PlacementError) Unwrap() error { return ErrNotEnoughReplicas }
