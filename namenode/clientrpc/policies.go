package clientrpc

import (
	"maps"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// Storage policy ids (HdfsConstants.StoragePolicy).
const (
	providedPolicyID  = 1
	coldPolicyID      = 2
	warmPolicyID      = 5
	hotPolicyID       = 7
	oneSSDPolicyID    = 10
	allSSDPolicyID    = 12
	allNVDIMMPolicyID = 14
	lazyPersistID     = 15
)

// DefaultStoragePolicies is Hadoop's default storage policy suite
// (BlockStoragePolicySuite.createDefaultSuite), by id, as
// getStoragePolicies lists it.
func DefaultStoragePolicies() []StoragePolicy {
	const (
		disk, ssd, archive, ram, provided, nvdimm = blocks.Disk, blocks.SSD, blocks.Archive,
			blocks.RAMDisk, blocks.Provided, blocks.NVDIMM
	)
	type st = []blocks.StorageType
	return []StoragePolicy{
		{providedPolicyID, "PROVIDED", st{provided, disk}, st{provided, disk}, st{provided, disk}},
		{coldPolicyID, "COLD", st{archive}, nil, nil},
		{warmPolicyID, "WARM", st{disk, archive}, st{disk, archive}, st{disk, archive}},
		{hotPolicyID, "HOT", st{disk}, nil, st{archive}},
		{oneSSDPolicyID, "ONE_SSD", st{ssd, disk}, st{ssd, disk}, st{ssd, disk}},
		{allSSDPolicyID, "ALL_SSD", st{ssd}, st{disk}, st{disk}},
		{allNVDIMMPolicyID, "ALL_NVDIMM", st{nvdimm}, st{disk}, st{disk}},
		{lazyPersistID, "LAZY_PERSIST", st{ram, disk}, st{disk}, st{disk}},
	}
}

func storagePolicyNamed(name string) *StoragePolicy {
	for _, p := range DefaultStoragePolicies() {
		if p.Name == name {
			return &p
		}
	}
	return nil
}

// DefaultECPolicies is the built-in erasure coding policies
// (SystemErasureCodingPolicies) in the states a fresh NameNode gives them:
// only dfs.namenode.ec.system.default.policy, RS-6-3-1024k, is enabled.
func DefaultECPolicies() []ECPolicy {
	const cell = 1024 * 1024
	rs := func(id uint8, name, codec string, data, parity int, state ECState) ECPolicy {
		return ECPolicy{ID: id, Name: name, Codec: codec, DataUnits: data, ParityUnits: parity,
			CellSize: cell, State: state}
	}
	return []ECPolicy{
		rs(1, "RS-6-3-1024k", "rs", 6, 3, ECEnabled),
		rs(2, "RS-3-2-1024k", "rs", 3, 2, ECDisabled),
		rs(3, "RS-LEGACY-6-3-1024k", "rs-legacy", 6, 3, ECDisabled),
		rs(4, "XOR-2-1-1024k", "xor", 2, 1, ECDisabled),
		rs(5, "RS-10-4-1024k", "rs", 10, 4, ECDisabled),
	}
}

// DefaultECCodecs is getErasureCodingCodecs on a NameNode with the
// default coders (CodecRegistry).
func DefaultECCodecs() map[string]string {
	return maps.Clone(defaultECCodecs)
}

var defaultECCodecs = map[string]string{
	"rs":        "rs_native,rs_java",
	"rs-legacy": "rs-legacy_java",
	"xor":       "xor_native,xor_java",
}
