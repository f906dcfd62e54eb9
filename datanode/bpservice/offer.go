package bpservice

import (
	"fmt"
	"log/slog"
)

// Offer is the block-pool-wide part of Hadoop's BPOfferService that decides
// whom to obey: which of the pool's NameNodes is active, and whether the
// NameNodes and the storage agree on the namespace. NameNodes are numbered
// by the caller (0, 1, ...). Offer is pure and not safe for concurrent use;
// Service guards it with a mutex.
type Offer struct {
	storage       StorageIDs // ids the storage holds; empty fields unchecked
	ns            *NamespaceInfo
	active        int   // -1: none
	lastClaimTxID int64 // -1: no claim yet
	log           *slog.Logger
}

// NewOffer returns an Offer for a storage holding ids. log may be nil.
func NewOffer(ids StorageIDs, log *slog.Logger) *Offer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Offer{storage: ids, active: -1, lastClaimTxID: -1, log: log}
}

// Active returns the NameNode taken as active, or -1.
func (o *Offer) Active() int { return o.active }

// Namespace returns the namespace the first handshake adopted, if any.
func (o *Offer) Namespace() (NamespaceInfo, bool) {
	if o.ns == nil {
		return NamespaceInfo{}, false
	}
	return *o.ns, true
}

// Handshake checks a versionRequest answer from NameNode nn against the
// storage and the NameNodes that answered before, and adopts the first.
// first says this answer set the pool's namespace (Hadoop then
// initializes the block pool's storage). A NameNode that says it is active
// during the handshake becomes the active one if there is none yet.
func (o *Offer) Handshake(nn int, info NamespaceInfo) (first bool, err error) {
	if err := CheckNamespace(o.storage, info); err != nil {
		return false, err
	}
	if o.ns != nil {
		if err := checkSame(*o.ns, info); err != nil {
			return false, err
		}
	}
	if info.State == Active && o.active < 0 {
		o.log.Info("acknowledging active NameNode during handshake", "nn", nn)
		o.active = nn
	}
	if o.ns == nil {
		o.ns = &info
		return true, nil
	}
	return false, nil
}

// ResetNamespace forgets an adopted namespace (the block pool's storage
// could not be initialized), so that the next handshake adopts again.
func (o *Offer) ResetNamespace() { o.ns = nil }

// CheckNamespace compares a NameNode's ids with the storage's.
func CheckNamespace(want StorageIDs, got NamespaceInfo) error {
	switch {
	case want.BlockPoolID != "" && want.BlockPoolID != got.BlockPoolID:
		return fmt.Errorf("%w: NameNode block pool %q, storage has %q", ErrNamespaceMismatch, got.BlockPoolID, want.BlockPoolID)
	case want.NamespaceID != 0 && want.NamespaceID != got.NamespaceID:
		return fmt.Errorf("%w: NameNode namespace id %d, storage has %d", ErrNamespaceMismatch, got.NamespaceID, want.NamespaceID)
	case want.ClusterID != "" && want.ClusterID != got.ClusterID:
		return fmt.Errorf("%w: NameNode cluster id %q, storage has %q", ErrNamespaceMismatch, got.ClusterID, want.ClusterID)
	}
	return nil
}

// checkSame is BPOfferService.checkNSEquality over the NameNodes of a pool.
func checkSame(a, b NamespaceInfo) error {
	return CheckNamespace(StorageIDs{NamespaceID: a.NamespaceID, ClusterID: a.ClusterID, BlockPoolID: a.BlockPoolID}, b)
}

// Heartbeat applies NameNode nn's HA claim from a heartbeat answer
// (updateActorStatesFromHeartbeat) and reports whether nn is now the one
// to obey. A claim to be active wins only with a txid above the last
// accepted claim's; the active NameNode giving up the claim leaves none.
func (o *Offer) Heartbeat(nn int, st HAStatus) (active bool) {
	claims := st.State == Active
	switch {
	case claims && o.active != nn:
		if int64(st.TxID) <= o.lastClaimTxID {
			o.log.Warn("ignoring stale active claim", "nn", nn, "txid", st.TxID, "lastClaim", o.lastClaimTxID)
			return false
		}
		if o.active < 0 {
			o.log.Info("acknowledging active NameNode", "nn", nn, "txid", st.TxID)
		} else {
			o.log.Info("NameNode takes over the active state", "nn", nn, "from", o.active, "txid", st.TxID)
		}
		o.active = nn
	case !claims && o.active == nn:
		o.log.Info("NameNode relinquishes the active state", "nn", nn, "txid", st.TxID)
		o.active = -1
	}
	if o.active == nn {
		o.lastClaimTxID = int64(st.TxID)
	}
	return o.active == nn
}

// IsActive reports whether nn is the NameNode to obey.
func (o *Offer) IsActive(nn int) bool { return o.active == nn }
